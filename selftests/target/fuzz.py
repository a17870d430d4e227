# SPDX-License-Identifier: GPL-2.0
"""Fuzz cases: each connection is one case.  A case picks one mutation
class (round robin from the seed, so a short run covers them all), its
parameters from a per-case RNG, and the moment it strikes: during the LUN
scan (after a few commands) or during the driver's I/O (after the first
WRITE).  It then changes, replaces or adds to the PDUs that answer one
command, and serves everything else normally."""
import random
import socket
import struct

from connection import Behavior
from iscsi_pdu import (PDU, RESERVED_TAG, REJECT_REASONS, OPCODE_NAMES,
                       OP_NOP_IN, OP_SCSI_RSP, OP_DATA_IN, OP_R2T, OP_ASYNC,
                       OP_REJECT, OP_LOGOUT_RSP, OP_TMF_RSP, OP_TEXT_RSP,
                       OP_LOGIN_RSP)
from scsi_disk import sense_fixed, CHECK_CONDITION
from scenarios import async_pdu, reject_pdu, nop_ping


def _datain(pdus):
    return [p for p in pdus if isinstance(p, PDU) and p.opcode == OP_DATA_IN]


def _last(pdus):
    return [p for p in pdus if isinstance(p, PDU)][-1]


# Each mutation: fn(case, conn, task, pdus) -> (items to send, opcode name).
# kind: which command it needs: read (Data-In), write (R2T), any.

def m_itt_unknown(c, conn, task, pdus):
    itt = c.rng.choice([0x7ffffffe, task.itt ^ 0x00010000, task.itt | 0x80000000,
                        c.rng.getrandbits(32), (task.itt + 1) & 0xffff])
    for p in pdus:
        p.itt = itt
    return pdus, pdus[0].opcode


def m_itt_stale(c, conn, task, pdus):
    stale = conn.done_itts[-1] if conn.done_itts else 0x00000001
    dup = PDU(bhs=pdus[-1].bhs, data=pdus[-1].data)
    dup.itt = stale
    conn.sn(dup)
    return [dup] + pdus, dup.opcode


def m_response_twice(c, conn, task, pdus):
    again = PDU(bhs=pdus[-1].bhs, data=pdus[-1].data)
    conn.sn(again)
    return pdus + [again], again.opcode


def m_datasn(c, conn, task, pdus):
    d = _datain(pdus)
    how = c.rng.choice(["skip", "swap", "repeat", "start1"])
    if how == "swap" and len(d) >= 2:
        i = c.rng.randrange(len(d) - 1)
        a, b = d[i].u32(36), d[i + 1].u32(36)
        d[i].set_u32(36, b)
        d[i + 1].set_u32(36, a)
    elif how == "repeat" and len(d) >= 2:
        d[-1].set_u32(36, d[-2].u32(36))
    elif how == "start1":
        for p in d:
            p.set_u32(36, p.u32(36) + 1)
    else:
        d[c.rng.randrange(len(d))].set_u32(36, c.rng.choice([2, 100, 0xffffffff]))
    c.detail = how
    return pdus, OP_DATA_IN


def m_datain_beyond(c, conn, task, pdus):
    d = _datain(pdus)
    how = c.rng.choice(["offset", "extra", "big"])
    c.detail = how
    if how == "offset":
        d[-1].set_u32(40, task.edtl - len(d[-1].data) // 2 + c.rng.randrange(1, 4096))
    elif how == "extra":
        last = d[-1]
        last.flags &= ~0x81
        extra = PDU(bhs=last.bhs, data=bytes(c.rng.randrange(1, 8193)))
        extra.flags = 0x81
        extra.set_u32(36, last.u32(36) + 1)
        extra.set_u32(40, last.u32(40) + len(last.data))
        conn.sn(extra)
        d.append(extra)
        pdus = pdus + [extra]
    else:
        last = d[-1]
        last.data = last.data + bytes(c.rng.randrange(1, 4096))
    return pdus, OP_DATA_IN


def m_datain_overlap(c, conn, task, pdus):
    d = _datain(pdus)
    if len(d) >= 2:
        d[1].set_u32(40, c.rng.choice([0, d[1].u32(40) - 512]))
    else:
        d[0].set_u32(40, 512)
    return pdus, OP_DATA_IN


def m_datain_zero(c, conn, task, pdus):
    d = _datain(pdus)
    z = PDU(bhs=d[0].bhs)
    z.flags = 0
    z.set_u32(36, 0)
    z.set_u32(40, 0)
    for p in d:
        p.set_u32(36, p.u32(36) + 1)
    return [z] + pdus, OP_DATA_IN


def m_datain_flags(c, conn, task, pdus):
    d = _datain(pdus)
    how = c.rng.choice(["status-not-final", "no-status-final", "status-early",
                        "ack-bit"])
    c.detail = how
    if how == "status-not-final":
        d[-1].flags = 0x01
    elif how == "no-status-final":
        d[-1].flags = 0x80       # then nothing: the command never ends
    elif how == "status-early":
        d[0].flags |= 0x81
        d[0].bhs[3] = 0
    else:
        d[-1].flags |= 0x40
    return pdus, OP_DATA_IN


def m_datain_for_write(c, conn, task, pdus):
    d = PDU(OP_DATA_IN, data=bytes(512))
    d.flags = 0x81
    d.itt = task.itt
    d.ttt = RESERVED_TAG
    conn.sn(d)
    return [d] + pdus, OP_DATA_IN


def m_dsl_over_mrdsl(c, conn, task, pdus):
    n = conn.ini_mrdsl + c.rng.choice([4, 512, 65536])
    p = pdus[0]
    p.data = bytes(min(n, 0xffffff))
    return pdus, p.opcode


def m_dsl_lie(c, conn, task, pdus):
    p = pdus[c.rng.randrange(len(pdus))]
    p.dsl_override = max(0, len(p.data) + c.rng.choice([-4, -1, 1, 3, 1000, 0xffffff - len(p.data)]))
    return pdus, p.opcode


def m_ahs(c, conn, task, pdus):
    p = pdus[c.rng.randrange(len(pdus))]
    how = c.rng.choice(["garbage", "huge", "length-only", "ext-cdb-type"])
    c.detail = how
    if how == "garbage":
        p.ahs = bytes(c.rng.getrandbits(8) for _ in range(4 * c.rng.randrange(1, 16)))
    elif how == "huge":
        p.ahs = bytes(4 * 255)
    elif how == "length-only":
        # claims AHS, sends none: the next PDU's bytes are taken as AHS
        p.ahs_len_override = c.rng.randrange(1, 64)
    else:
        p.ahs = struct.pack(">HB", 17, 1) + bytes(17)
    return pdus, p.opcode


def m_truncated(c, conn, task, pdus):
    raw = pdus[0].encode(conn.hd, conn.dd)
    cut = c.rng.randrange(1, 48)
    c.detail = "cut at %d then %s" % (cut, "close" if c.rng.random() < 0.5 else "silence")
    c.after = "close" if "close" in c.detail else "silence"
    return [raw[:cut]], pdus[0].opcode


def m_bad_digest(c, conn, task, pdus):
    raw = bytearray(pdus[0].encode(conn.hd, conn.dd))
    if conn.hd:
        raw[48 + len(pdus[0].ahs)] ^= 1 << c.rng.randrange(8)
        c.detail = "header digest"
    elif conn.dd and pdus[0].data:
        raw[-1] ^= 0x80
        c.detail = "data digest"
    else:
        # no digests: stray digest bytes desynchronise the stream
        raw += bytes(4)
        c.detail = "stray digest bytes"
    return [bytes(raw)] + pdus[1:], pdus[0].opcode


def m_residual(c, conn, task, pdus):
    p = _last(pdus)
    how = c.rng.choice(["both", "under-too-big", "over", "short-good",
                        "short-under-honest", "under-zero"])
    c.detail = how
    if how == "both":
        p.flags |= 0x06
        p.set_u32(44, 512)
    elif how == "under-too-big":
        p.flags = (p.flags & ~0x06) | 0x02
        p.set_u32(44, task.edtl + c.rng.choice([1, 4096, 0x7fffffff]))
    elif how == "over":
        p.flags = (p.flags & ~0x06) | 0x04
        p.set_u32(44, c.rng.choice([1, 512, 0xffffffff]))
    elif how == "under-zero":
        p.flags = (p.flags & ~0x06) | 0x02
        p.set_u32(44, 0)
    elif how in ("short-good", "short-under-honest") and task.read and \
            _datain(pdus) and task.edtl >= 1024:
        # deliver only the first half, then good status
        d = _datain(pdus)
        half = task.edtl // 2
        keep, off = [], 0
        for x in d:
            if off >= half:
                break
            x.data = x.data[:half - off]
            off += len(x.data)
            keep.append(x)
        last = keep[-1]
        last.flags = 0x81
        last.bhs[3] = 0
        conn.sn(last)
        if how == "short-under-honest":
            last.flags |= 0x02
            last.set_u32(44, task.edtl - off)
        else:
            last.set_u32(44, 0)
        return keep, OP_DATA_IN
    else:
        p.flags |= 0x02
        p.set_u32(44, 0xffffffff)
    return pdus, p.opcode


def m_sense(c, conn, task, pdus):
    rsp = PDU(OP_SCSI_RSP)
    rsp.flags = 0x80
    rsp.bhs[3] = CHECK_CONDITION
    rsp.itt = task.itt
    sense = sense_fixed(c.rng.choice([2, 3, 4, 5, 6, 0xb]), c.rng.randrange(256), 0)
    how = c.rng.choice(["len-too-big", "len-ffff", "one-byte", "huge-sense",
                        "len-zero-data", "descriptor"])
    c.detail = how
    if how == "len-too-big":
        rsp.data = struct.pack(">H", len(sense) + c.rng.randrange(1, 300)) + sense
    elif how == "len-ffff":
        rsp.data = b"\xff\xff" + sense
    elif how == "one-byte":
        rsp.data = b"\x00"
    elif how == "huge-sense":
        big = sense + bytes(c.rng.getrandbits(8) for _ in range(c.rng.randrange(100, 1200)))
        rsp.data = struct.pack(">H", len(big)) + big
    elif how == "len-zero-data":
        rsp.data = b"\x00\x00" + sense
    else:
        d = bytes([0x72, 6, 0x29, 0, 0, 0, 0, 250]) + bytes(250)
        rsp.data = struct.pack(">H", len(d)) + d
    conn.sn(rsp)
    return [rsp], OP_SCSI_RSP


def m_response_field(c, conn, task, pdus):
    rsp = PDU(OP_SCSI_RSP)
    rsp.flags = 0x80
    rsp.bhs[2] = c.rng.choice([1, 0x80, 0xff])
    rsp.bhs[3] = c.rng.choice([0, 2, 0x08, 0x18, 0x28, 0x40, 0xff])
    rsp.itt = task.itt
    c.detail = "response 0x%02x status 0x%02x" % (rsp.bhs[2], rsp.bhs[3])
    conn.sn(rsp)
    return [rsp], OP_SCSI_RSP


def m_status(c, conn, task, pdus):
    rsp = PDU(OP_SCSI_RSP)
    rsp.flags = 0x80
    rsp.bhs[3] = c.rng.choice([0x08, 0x18, 0x28, 0x40, 0x02])
    rsp.itt = task.itt
    c.detail = "status 0x%02x" % rsp.bhs[3]
    conn.sn(rsp)
    return [rsp], OP_SCSI_RSP


def m_cmdsn(c, conn, task, pdus):
    p = _last(pdus)
    exp = conn.exp_cmdsn
    how = c.rng.choice(["max-below-exp", "exp-jump", "max-jump", "wrap",
                        "exp-back", "window-closed"])
    c.detail = how
    if how == "max-below-exp":
        p.set_u32(32, exp - 5)
    elif how == "exp-jump":
        p.set_u32(28, exp + 1000)
        p.set_u32(32, exp + 1031)
    elif how == "max-jump":
        p.set_u32(32, exp + 0x7ffffff0)
    elif how == "wrap":
        p.set_u32(28, exp + 0x80000000)
        p.set_u32(32, exp + 0x80000010)
    elif how == "exp-back":
        p.set_u32(28, exp - 100)
    else:
        p.set_u32(32, exp - 1)
    return pdus, p.opcode


def m_statsn(c, conn, task, pdus):
    p = _last(pdus)
    how = c.rng.choice(["jump", "back", "wrap"])
    c.detail = how
    delta = {"jump": 100000, "back": -50, "wrap": 0x80000000}[how]
    p.set_u32(24, p.u32(24) + delta)
    return pdus, p.opcode


# -- R2T (write commands): fn(case, conn, task, r2ts) ------------------------

def r_r2tsn(c, conn, task, r2ts):
    r2ts[0].set_u32(36, r2ts[0].u32(36) + c.rng.choice([1, 5, -1]))
    return r2ts, OP_R2T


def r_zero(c, conn, task, r2ts):
    r2ts[0].set_u32(44, 0)
    return r2ts, OP_R2T


def r_overlap(c, conn, task, r2ts):
    # ask again for bytes already sent: legal but odd; the data must match
    r = r2ts[0]
    back = min(r.u32(40), c.rng.choice([512, 4096, r.u32(40)]))
    r.set_u32(40, r.u32(40) - back)
    r.set_u32(44, min(r.u32(44) + back, conn.max_burst))
    task.r2t[1] = r.u32(40)
    task.r2t[2] = r.u32(44)
    task.next_offset = r.u32(40) + r.u32(44)
    c.detail = "back %d" % back
    return r2ts, OP_R2T


def r_two(c, conn, task, r2ts):
    r = r2ts[0]
    second = PDU(bhs=r.bhs)
    second.ttt = conn.new_ttt()
    second.set_u32(36, r.u32(36) + 1)
    second.set_u32(40, r.u32(40) + c.rng.choice([0, r.u32(44) // 2]))
    return r2ts + [second], OP_R2T


def r_beyond_burst(c, conn, task, r2ts):
    r2ts[0].set_u32(44, conn.max_burst + c.rng.choice([1, 512, 1 << 20]))
    return r2ts, OP_R2T


def r_beyond_buffer(c, conn, task, r2ts):
    r = r2ts[0]
    how = c.rng.choice(["offset", "length", "wrap"])
    c.detail = how
    if how == "offset":
        r.set_u32(40, task.edtl + 512)
        r.set_u32(44, 512)
    elif how == "length":
        r.set_u32(44, min(conn.max_burst, task.edtl - r.u32(40) + 512))
    else:
        r.set_u32(40, 0xfffffe00)
        r.set_u32(44, 0x400)
    return r2ts, OP_R2T


def r_reserved_ttt(c, conn, task, r2ts):
    r2ts[0].ttt = RESERVED_TAG
    return r2ts, OP_R2T


def r_with_data(c, conn, task, r2ts):
    r2ts[0].data = bytes(c.rng.randrange(4, 600))
    return r2ts, OP_R2T


def r_wrong_itt(c, conn, task, r2ts):
    r2ts[0].itt = c.rng.choice([conn.done_itts[-1] if conn.done_itts else 3,
                                0x7fffffff, c.rng.getrandbits(32)])
    return r2ts, OP_R2T


# -- out of the blue: extra PDUs after one command's answer -----------------

def u_nop_ping(c, conn, task, pdus):
    ttt = c.rng.choice([1, 0x7fffffff, c.rng.getrandbits(31)])
    c.ping_ttt = ttt
    return pdus + [nop_ping(conn, ttt)], OP_NOP_IN


def u_nop_variants(c, conn, task, pdus):
    how = c.rng.choice(["no-ttt", "no-ttt-data", "bogus-itt", "flood",
                        "ping-with-data", "lun"])
    c.detail = how
    extra = []
    if how == "flood":
        for i in range(c.rng.randrange(5, 40)):
            extra.append(nop_ping(conn, 0x100 + i))
    elif how == "bogus-itt":
        p = PDU(OP_NOP_IN)
        p.flags = 0x80
        p.itt = c.rng.choice([task.itt, 0x12345678])
        p.ttt = RESERVED_TAG
        extra.append(conn.sn(p))
    else:
        p = nop_ping(conn, RESERVED_TAG if how.startswith("no-ttt") else 0x77)
        if how.endswith("data"):
            p.data = bytes(c.rng.randrange(1, 400))
        if how == "lun":
            p.lun = bytes([0x40, 0x05] + [0] * 6)
        extra.append(p)
    return pdus + extra, OP_NOP_IN


def u_async(c, conn, task, pdus):
    event = c.rng.choice([0, 0, 1, 2, 3, 4, 5, 17, 254, 255])
    data = b""
    if event in (0, 255) or c.rng.random() < 0.3:
        how = c.rng.choice(["ok", "lie", "empty", "short", "ua-3f0e", "ua-2a09"])
        s = sense_fixed(6, 0x3f, 0x0e) if how != "ua-2a09" else sense_fixed(6, 0x2a, 0x09)
        data = {"ok": struct.pack(">H", len(s)) + s,
                "ua-3f0e": struct.pack(">H", len(s)) + s,
                "ua-2a09": struct.pack(">H", len(s)) + s,
                "lie": struct.pack(">H", 2000) + s,
                "empty": b"",
                "short": b"\x00"}[how]
        c.detail = "event %d sense %s" % (event, how)
    else:
        c.detail = "event %d" % event
    lun = c.rng.choice([b"\0" * 8, bytes([0, 7] + [0] * 6), bytes(c.rng.getrandbits(8) for _ in range(8))])
    p = async_pdu(conn, event, c.rng.getrandbits(16), c.rng.getrandbits(16),
                  c.rng.choice([0, 1, 0xffff]), data=data, lun=lun)
    return pdus + [p], OP_ASYNC


def u_reject(c, conn, task, pdus):
    # reject the command instead of answering it; reasons in turn
    reasons = sorted(REJECT_REASONS) + [0x01, 0x0d, 0xff]
    reason = reasons[c.index % len(reasons)]
    c.detail = "reason 0x%02x" % reason
    body = bytes(task.pdu.bhs)
    if c.rng.random() < 0.2:
        body = body[:c.rng.randrange(0, 48)]
    p = reject_pdu(conn, reason, body)
    return [p], OP_REJECT


def u_logout_rsp(c, conn, task, pdus):
    p = PDU(OP_LOGOUT_RSP)
    p.flags = 0x80
    p.bhs[2] = c.rng.choice([0, 1, 2, 3, 0xff])
    p.itt = c.rng.choice([RESERVED_TAG, task.itt, 0, c.rng.getrandbits(32)])
    p.set_u16(40, c.rng.getrandbits(16))
    p.set_u16(42, c.rng.getrandbits(16))
    conn.sn(p)
    return pdus + [p], OP_LOGOUT_RSP


def u_other_rsp(c, conn, task, pdus):
    op = c.rng.choice([OP_TMF_RSP, OP_TEXT_RSP, OP_LOGIN_RSP, OP_R2T])
    p = PDU(op)
    p.flags = 0x80
    p.itt = c.rng.choice([task.itt, RESERVED_TAG, c.rng.getrandbits(32)])
    if op == OP_TEXT_RSP:
        p.data = b"SendTargets=All\0"
    conn.sn(p)
    return pdus + [p], op


def u_random_bytes(c, conn, task, pdus):
    n = c.rng.choice([1, 47, 48, 49, 100, 2000])
    return pdus + [bytes(c.rng.getrandbits(8) for _ in range(n))], "random"


def u_random_opcode(c, conn, task, pdus):
    op = c.rng.choice([0x00, 0x01, 0x05, 0x1c, 0x1d, 0x27, 0x30, 0x33, 0x3c, 0x3e,
                       c.rng.randrange(64)])
    p = PDU(op)
    p.bhs[1:48] = bytes(c.rng.getrandbits(8) for _ in range(47))
    p.bhs[0] = op | (c.rng.getrandbits(2) << 6)
    p.bhs[4] = 0
    p.bhs[5:8] = b"\0\0\0"
    return pdus + [p], "opcode-0x%02x" % op


def u_bitflip(c, conn, task, pdus):
    p = pdus[c.rng.randrange(len(pdus))]
    for _ in range(c.rng.randrange(1, 5)):
        byte = c.rng.choice([0, 1, 2, 3, 16, 17, 18, 19, 24, 28, 32, 36, 40, 44,
                             c.rng.randrange(48)])
        if byte in (4, 5, 6, 7):
            byte = 1
        p.bhs[byte] ^= 1 << c.rng.randrange(8)
    return pdus, p.opcode


def u_hang(c, conn, task, pdus):
    c.after = "silence"
    return [], "none"


def u_close(c, conn, task, pdus):
    c.after = "close"
    return pdus[:c.rng.randrange(len(pdus) + 1)], "none"


# name: (kind, function); kind is read, write (R2T), any.
CLASSES = {
    "itt-unknown": ("any", m_itt_unknown),
    "itt-stale": ("any", m_itt_stale),
    "response-twice": ("any", m_response_twice),
    "datasn-order": ("read", m_datasn),
    "datain-beyond-buffer": ("read", m_datain_beyond),
    "datain-overlap": ("read", m_datain_overlap),
    "datain-zero-length": ("read", m_datain_zero),
    "datain-flags": ("read", m_datain_flags),
    "datain-for-write": ("write-rsp", m_datain_for_write),
    "dsl-over-mrdsl": ("read", m_dsl_over_mrdsl),
    "dsl-lie": ("any", m_dsl_lie),
    "ahs": ("any", m_ahs),
    "truncated-header": ("any", m_truncated),
    "bad-digest": ("read", m_bad_digest),
    "residual": ("read", m_residual),
    "residual-write": ("write-rsp", m_residual),
    "sense-length": ("any", m_sense),
    "response-field": ("any", m_response_field),
    "status-busy": ("any", m_status),
    "cmdsn-window": ("any", m_cmdsn),
    "statsn-jump": ("any", m_statsn),
    "r2tsn-order": ("write", r_r2tsn),
    "r2t-zero-length": ("write", r_zero),
    "r2t-overlap": ("write", r_overlap),
    "r2t-two-outstanding": ("write", r_two),
    "r2t-beyond-burst": ("write", r_beyond_burst),
    "r2t-beyond-buffer": ("write", r_beyond_buffer),
    "r2t-reserved-ttt": ("write", r_reserved_ttt),
    "r2t-with-data": ("write", r_with_data),
    "r2t-wrong-itt": ("write", r_wrong_itt),
    "nop-in-ping": ("any", u_nop_ping),
    "nop-in-odd": ("any", u_nop_variants),
    "async-odd": ("any", u_async),
    "reject": ("any", u_reject),
    "logout-rsp-unsolicited": ("any", u_logout_rsp),
    "other-rsp-unsolicited": ("any", u_other_rsp),
    "random-bytes": ("any", u_random_bytes),
    "random-opcode": ("any", u_random_opcode),
    "header-bitflip": ("any", u_bitflip),
    "hang": ("any", u_hang),
    "close": ("any", u_close),
}
NAMES = list(CLASSES)
# these leave a command unanswered with the connection up: only during
# the driver's I/O, where the device timeout is short
IO_ONLY = {"truncated-header", "hang", "datain-flags", "cmdsn-window",
           "dsl-lie", "ahs"}


class FuzzCase(Behavior):
    def __init__(self, seed, index, only=None):
        self.seed = seed
        self.index = index
        self.rng = random.Random("%s:%d" % (seed, index))
        names = [n for n in NAMES if not only or n in only]
        self.cls = names[(index + seed) % len(names)]
        self.kind, self.fn = CLASSES[self.cls]
        writes = self.kind in ("write", "write-rsp")
        self.phase = "io" if writes or self.cls in IO_ONLY or self.rng.random() < 0.8 \
            else "scan"
        # the driver's I/O has only two writes (two R2T or write-response
        # chances, none in the scan): skip less, or the case never applies
        self.skip = self.rng.randrange(0, 2 if writes else 4) \
            if self.phase == "io" else self.rng.randrange(0, 8)
        self.seen_write = False
        self.applied = False
        self.opcode = "-"
        self.detail = ""
        self.after = None
        self.ping_ttt = None
        self.name = "fuzz-%s" % self.cls
        # negotiation varies per case so every data path gets mutated
        self.params = {
            "first_burst": self.rng.choice([4096, 65536, 262144]),
            "max_burst": self.rng.choice([16384, 65536, 262144]),
            "initial_r2t": self.rng.choice(["Yes", "No"]),
            "immediate_data": self.rng.choice(["Yes", "No"]),
            "max_recv_dlen": self.rng.choice([4096, 8192, 65536, 262144]),
            "datain_pdu": self.rng.choice([2048, 8192, 32768, 1 << 20]),
        }
        if self.kind == "write":
            # every write needs R2Ts
            self.params["initial_r2t"] = "Yes"
            self.params["immediate_data"] = "No"

    def describe(self):
        return "class=%s phase=%s skip=%d params=%s" % (
            self.cls, self.phase, self.skip,
            ",".join("%s=%s" % kv for kv in sorted(self.params.items())))

    def _due(self, conn, task, kind):
        if self.applied:
            return False
        if self.phase == "io" and not self.seen_write:
            return False
        want = self.kind
        if want == "read" and not (task.read and kind == "rsp"):
            return False
        if want == "write" and not (task.write and kind == "r2t"):
            return False
        if want == "write-rsp" and not (task.write and kind == "rsp"):
            return False
        if want == "any" and kind != "rsp":
            return False
        if self.skip:
            self.skip -= 1
            return False
        return True

    def on_command(self, conn, task):
        if task.write:
            self.seen_write = True
        return False

    def _apply(self, conn, task, pdus, kind):
        if not pdus or not self._due(conn, task, kind):
            return pdus
        if kind == "rsp" and self.kind == "read" and not _datain(pdus):
            return pdus     # a read that failed: wait for one with data
        self.applied = True
        out, op = self.fn(self, conn, task, pdus)
        self.opcode = op if isinstance(op, str) else OPCODE_NAMES.get(op, "0x%02x" % op)
        conn.t.case_event(self, conn, "applied opcode=%s itt=0x%08x cdb=%s %s" % (
            self.opcode, task.itt, task.cdb[:1].hex(), self.detail))
        if self.after:
            conn.send(out)
            if self.after == "close":
                conn.sock.shutdown(socket.SHUT_RDWR)
                conn.closing = True
            else:
                conn.silent = True
            return []
        return out

    def responses(self, conn, task, pdus):
        return self._apply(conn, task, pdus, "rsp")

    def r2ts(self, conn, task, pdus):
        return self._apply(conn, task, pdus, "r2t")

    def on_pdu(self, conn, pdu):
        if self.ping_ttt is not None and pdu.opcode == 0 and pdu.ttt == self.ping_ttt:
            conn.t.case_event(self, conn, "ping answered ttt=0x%08x" % pdu.ttt)
            self.ping_ttt = None
            return True
        return False
