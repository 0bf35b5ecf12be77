/* bounded-buffer-2-2-1: 2 producers put 2 items each into a buffer of capacity 1; 2 consumers take 2 each. One Lock, two Conditions on it (not_full, not_empty), `while` re-checks, notify(). */
#define NT 4
chan buf = [1] of { byte };
byte consumed = 0;
bit lock = 0;
chan q_not_full = [NT] of { byte };
chan q_not_empty = [NT] of { byte };
bit notified[NT];
bit done[NT];

inline acquire() { atomic { lock == 0 -> lock = 1 } }
inline wait(q) {
  d_step { q!id; lock = 0 };
  d_step { notified[id] == 1 && lock == 0 -> notified[id] = 0; lock = 1 }
}
inline notify(q) {
  d_step { if :: nempty(q) -> q?w; notified[w] = 1; w = 0 :: empty(q) -> skip fi }
}

inline produce(v) {
  acquire();
  do
  :: len(buf) >= 1 -> wait(q_not_full)
  :: len(buf) < 1 -> break
  od;
  buf!v;
  notify(q_not_empty)
}

inline consume() {
  acquire();
  do
  :: len(buf) == 0 -> wait(q_not_empty)
  :: len(buf) > 0 -> break
  od;
  atomic { buf?x; x = 0 };
  tmp = consumed;
  d_step { consumed = tmp + 1; tmp = 0 };
  notify(q_not_full)
}

/* loops unrolled: the last release also sets done (the thread ends with its last step) */
proctype producer(byte id) {
  byte w;
  produce(0);
  lock = 0;
  produce(1);
  d_step { lock = 0; done[id] = 1 }
}

proctype consumer(byte id) {
  byte w; byte x; byte tmp;
  consume();
  lock = 0;
  consume();
  d_step { lock = 0; done[id] = 1 }
}

init {
  run producer(0);
  run producer(1);
  run consumer(2);
  run consumer(3);
  done[0];
  done[1];
  done[2];
  done[3];
  d_step { assert(consumed == 4); assert(len(buf) == 0); }
}
