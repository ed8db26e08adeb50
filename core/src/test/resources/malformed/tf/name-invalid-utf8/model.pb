

a√(Relu