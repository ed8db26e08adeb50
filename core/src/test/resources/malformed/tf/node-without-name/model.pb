
Relu