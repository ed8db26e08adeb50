

nameless_opx