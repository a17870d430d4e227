#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the raw output of one 'make bench' guest into JSON lines.

    collect.py KVER ROUNDDIR...

Each ROUNDDIR (raw/rN, N the round) holds fio.json (one fio invocation,
jobs named JOB.INITIATOR) and, per job, JOBNAME.prerun.txt and
JOBNAME.postrun.txt: the guest's /proc/stat "cpu" line just before and
just after that job (fio's exec_prerun/exec_postrun).  Prints one line per
job: figures, I/Os, and guest CPU busy time per I/O.
"""
import json
import os
import re
import sys


def busy_ticks(path):
    """user + nice + system + irq + softirq + steal of the "cpu" line."""
    with open(path) as f:
        for line in f:
            v = line.split()
            if v and v[0] == "cpu":
                n = [int(x) for x in v[1:9]]
                return n[0] + n[1] + n[2] + n[5] + n[6] + n[7]
    raise ValueError("no cpu line in %s" % path)


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: collect.py KVER ROUNDDIR...")
    kver, hz = sys.argv[1], os.sysconf("SC_CLK_TCK")
    for d in sys.argv[2:]:
        m = re.search(r"r(\d+)$", d.rstrip("/"))
        if not m:
            sys.exit("collect.py: %s is not a round directory (rN)" % d)
        rnd = int(m.group(1))
        with open(os.path.join(d, "fio.json")) as f:
            jobs = json.load(f)["jobs"]
        for j in jobs:
            name = j["jobname"]
            job, initiator = name.rsplit(".", 1)
            if j.get("error"):
                sys.exit("collect.py: fio job %s failed with error %d" % (name, j["error"]))
            d_ = j["write"] if j["write"]["total_ios"] else j["read"]
            ios = d_["total_ios"]
            if not ios:
                sys.exit("collect.py: fio job %s did no I/O" % name)
            ticks = (busy_ticks(os.path.join(d, name + ".postrun.txt")) -
                     busy_ticks(os.path.join(d, name + ".prerun.txt")))
            cpu_s = ticks / hz
            print(json.dumps({
                "kernel": kver, "job": job, "round": rnd, "initiator": initiator,
                "ios": ios, "iops": d_["iops"], "mbps": d_["bw_bytes"] / 1e6,
                "runtime_ms": d_["runtime"], "cpu_busy_s": cpu_s,
                "cpu_us_per_io": cpu_s * 1e6 / ios,
                "fio_usr_pct": j["usr_cpu"], "fio_sys_pct": j["sys_cpu"],
            }))


if __name__ == "__main__":
    main()
