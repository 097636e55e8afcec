"""Run a command; write its exit code, wall time and own peak RSS as JSON to a file.

    python -S benchmarks/launch.py RESULT_FILE COMMAND [ARG …]

``run.py`` starts every measured process through this small one. On Linux a process's
peak RSS (``ru_maxrss``) counts the memory of the process it was forked from, so a
command forked straight from the harness (tens to hundreds of MB) would report at least
the harness's size; forked from here, it reports its own. Standard library only, and
run with ``-S``, so that it stays a few MB.
"""

import json
import os
import sys
import time


def main() -> int:
    result_file, command = sys.argv[1], sys.argv[2:]
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - start
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    peak_mb = usage.ru_maxrss / (2**20 if sys.platform == "darwin" else 2**10)
    with open(result_file, "w") as out:
        json.dump({"code": os.waitstatus_to_exitcode(status), "seconds": seconds, "peak_mb": peak_mb}, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
