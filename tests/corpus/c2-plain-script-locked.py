"""A plain .py scenario: no expect means clean. Two workers fill a dict under a lock."""
import threading

lock = threading.Lock()
totals = {}


def add(name, amount):
    with lock:
        totals[name] = totals.get(name, 0) + amount


def worker(name):
    for i in range(2):
        add(name, i + 1)
    add("all", 3)


threads = [threading.Thread(target=worker, args=(n,), name=n) for n in ("x", "y")]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert totals == {"x": 3, "y": 3, "all": 6}, totals
