#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print the 'make bench' tables (Markdown) from results.jsonl files.

    table.py RESULTS.jsonl...

Each line of a results file is one fio run written by scripts/bench/guest.sh.
For each kernel: one table of figures (MB/s for the 1 MiB jobs, IOPS for
the 4 KiB ones; the mean over the rounds, with +-half the spread between
rounds in percent) and the ratios kiscsi / open-iscsi (same target) and
kiscsi on LIO / NVMe/TCP; one table of guest CPU time per I/O and vCPUs busy.
"""
import json
import statistics
import sys

COLS = ["kiscsi-lio", "open-iscsi-lio", "kiscsi-tgtd", "open-iscsi-tgtd", "nvme-tcp"]
TITLES = {
    "kiscsi-lio": "kiscsi LIO",
    "open-iscsi-lio": "open-iscsi LIO",
    "kiscsi-tgtd": "kiscsi tgtd",
    "open-iscsi-tgtd": "open-iscsi tgtd",
    "nvme-tcp": "NVMe/TCP",
}


def load(paths):
    runs = []
    for p in paths:
        with open(p) as f:
            runs += [json.loads(line) for line in f if line.strip()]
    return runs


def figure(run):
    return run["mbps"] if "-1m-" in run["job"] else run["iops"]


def cell(values, unit_mb):
    if not values:
        return "-"
    m = statistics.mean(values)
    spread = (max(values) - min(values)) / 2 / m * 100 if m else 0
    num = "%.1f" % m if unit_mb else "%.0f" % m
    return "%s ±%.0f%%" % (num, spread) if len(values) > 1 else num


def ratio(a, b):
    if not a or not b or not statistics.mean(b):
        return "-"
    return "%.2f" % (statistics.mean(a) / statistics.mean(b))


def tables(runs):
    out = []
    kernels = sorted({r["kernel"] for r in runs})
    for k in kernels:
        kr = [r for r in runs if r["kernel"] == k]
        jobs = list(dict.fromkeys(r["job"] for r in kr))
        rounds = max(r["round"] for r in kr)
        rt = statistics.mean(r["runtime_ms"] for r in kr) / 1000
        out.append("Kernel %s: %d rounds, each job on each disk once per round (fio runtime %.1f s as fio measured it); "
                   "mean of the rounds, ±half the spread between them\n" % (k, rounds, rt))
        out.append("| job | unit | kiscsi LIO | open-iscsi LIO | kiscsi/open-iscsi LIO "
                   "| kiscsi tgtd | open-iscsi tgtd | kiscsi/open-iscsi tgtd "
                   "| NVMe/TCP | kiscsi LIO/NVMe-TCP |")
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for j in jobs:
            mb = "-1m-" in j
            v = {c: [figure(r) for r in kr if r["job"] == j and r["initiator"] == c] for c in COLS}
            out.append("| %s | %s | %s | %s | **%s** | %s | %s | **%s** | %s | **%s** |" % (
                j, "MB/s" if mb else "IOPS",
                cell(v["kiscsi-lio"], mb), cell(v["open-iscsi-lio"], mb),
                ratio(v["kiscsi-lio"], v["open-iscsi-lio"]),
                cell(v["kiscsi-tgtd"], mb), cell(v["open-iscsi-tgtd"], mb),
                ratio(v["kiscsi-tgtd"], v["open-iscsi-tgtd"]),
                cell(v["nvme-tcp"], mb), ratio(v["kiscsi-lio"], v["nvme-tcp"])))
        out.append("")
        out.append("Guest CPU time per I/O, µs (busy time of all guest CPUs from /proc/stat "
                   "over each fio run, initiator and target together, / I/Os done; mean over rounds), "
                   "and in brackets the guest vCPUs busy during the run (2.0 = both saturated)\n")
        out.append("| job | " + " | ".join(TITLES[c] for c in COLS) + " |")
        out.append("|---|" + "---:|" * len(COLS))
        for j in jobs:
            cpu = []
            for c in COLS:
                x = [r for r in kr if r["job"] == j and r["initiator"] == c]
                if not x:
                    cpu.append("-")
                    continue
                us = statistics.mean(r["cpu_us_per_io"] for r in x)
                busy = statistics.mean(r["cpu_busy_s"] * 1000 / r["runtime_ms"] for r in x)
                cpu.append("%.0f (%.1f)" % (us, busy))
            out.append("| %s | %s |" % (j, " | ".join(cpu)))
        out.append("")
    return "\n".join(out)


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: table.py RESULTS.jsonl...")
    runs = load(sys.argv[1:])
    if not runs:
        sys.exit("table.py: no results in %s" % " ".join(sys.argv[1:]))
    print(tables(runs))


if __name__ == "__main__":
    main()
