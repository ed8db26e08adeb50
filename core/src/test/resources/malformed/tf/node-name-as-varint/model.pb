
Relu