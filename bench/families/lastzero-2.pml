/* lastzero-2: lastzero(2) from Abdulla et al. (Optimal DPOR): array[0..2] of zeros; thread 0 scans down from array[2] for the last zero; thread j (1..2) sets array[j] = array[j-1] + 1. */
byte array[3];
bit done[3];

proctype scanner(byte id) {
  byte i = 2;
  do
  :: d_step { array[i] != 0 -> i-- }
  :: d_step { array[i] == 0 -> i = 0; done[id] = 1 }; break
  od
}

proctype writer(byte id) {
  byte tmp;
  tmp = array[id - 1];
  d_step { array[id] = tmp + 1; tmp = 0; done[id] = 1 }
}

init {
  run scanner(0);
  run writer(1);
  run writer(2);
  done[0];
  done[1];
  done[2];
}
