
	
nReluKL