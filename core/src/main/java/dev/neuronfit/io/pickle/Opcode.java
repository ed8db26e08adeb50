package dev.neuronfit.io.pickle;

import java.util.Optional;

/**
 * The opcodes of pickle protocols 0 to 5, named as CPython's {@code Lib/pickletools.py} names them,
 * with the byte that codes each and the protocol that introduced it.
 */
enum Opcode {
  // protocol 0: the text opcodes
  MARK('(', 0),
  STOP('.', 0),
  POP('0', 0),
  DUP('2', 0),
  FLOAT('F', 0),
  INT('I', 0),
  LONG('L', 0),
  NONE('N', 0),
  PERSID('P', 0),
  REDUCE('R', 0),
  STRING('S', 0),
  UNICODE('V', 0),
  APPEND('a', 0),
  BUILD('b', 0),
  GLOBAL('c', 0),
  DICT('d', 0),
  GET('g', 0),
  INST('i', 0),
  LIST('l', 0),
  PUT('p', 0),
  SETITEM('s', 0),
  TUPLE('t', 0),
  // protocol 1: binary arguments
  POP_MARK('1', 1),
  BININT('J', 1),
  BININT1('K', 1),
  BININT2('M', 1),
  BINPERSID('Q', 1),
  BINSTRING('T', 1),
  SHORT_BINSTRING('U', 1),
  BINUNICODE('X', 1),
  APPENDS('e', 1),
  BINGET('h', 1),
  LONG_BINGET('j', 1),
  EMPTY_LIST(']', 1),
  OBJ('o', 1),
  BINPUT('q', 1),
  LONG_BINPUT('r', 1),
  EMPTY_TUPLE(')', 1),
  SETITEMS('u', 1),
  BINFLOAT('G', 1),
  EMPTY_DICT('}', 1),
  // protocol 2
  PROTO(0x80, 2),
  NEWOBJ(0x81, 2),
  EXT1(0x82, 2),
  EXT2(0x83, 2),
  EXT4(0x84, 2),
  TUPLE1(0x85, 2),
  TUPLE2(0x86, 2),
  TUPLE3(0x87, 2),
  NEWTRUE(0x88, 2),
  NEWFALSE(0x89, 2),
  LONG1(0x8a, 2),
  LONG4(0x8b, 2),
  // protocol 3: bytes
  BINBYTES('B', 3),
  SHORT_BINBYTES('C', 3),
  // protocol 4
  SHORT_BINUNICODE(0x8c, 4),
  BINUNICODE8(0x8d, 4),
  BINBYTES8(0x8e, 4),
  EMPTY_SET(0x8f, 4),
  ADDITEMS(0x90, 4),
  FROZENSET(0x91, 4),
  NEWOBJ_EX(0x92, 4),
  STACK_GLOBAL(0x93, 4),
  MEMOIZE(0x94, 4),
  FRAME(0x95, 4),
  // protocol 5: out-of-band buffers
  BYTEARRAY8(0x96, 5),
  NEXT_BUFFER(0x97, 5),
  READONLY_BUFFER(0x98, 5);

  /** The highest protocol there is. */
  static final int HIGHEST_PROTOCOL = 5;

  private static final Opcode[] BY_CODE = new Opcode[256];

  static {
    for (Opcode op : values()) {
      if (BY_CODE[op.code] != null) {
        throw new IllegalStateException("two opcodes coded " + op.code);
      }
      BY_CODE[op.code] = op;
    }
  }

  private final int code;
  private final int protocol;

  Opcode(int code, int protocol) {
    this.code = code;
    this.protocol = protocol;
  }

  /** The byte that codes it. */
  int code() {
    return code;
  }

  /** The protocol that introduced it. */
  int protocol() {
    return protocol;
  }

  /** The opcode a byte codes, if any. */
  static Optional<Opcode> of(int b) {
    return b < 0 || b > 255 ? Optional.empty() : Optional.ofNullable(BY_CODE[b]);
  }
}
