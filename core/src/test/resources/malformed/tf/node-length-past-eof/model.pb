
À„=
nRelu