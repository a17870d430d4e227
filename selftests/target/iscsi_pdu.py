# SPDX-License-Identifier: GPL-2.0
"""iSCSI PDU framing for the test target: opcodes, BHS field access,
text keys and CRC32C digests (RFC 7143)."""
import struct

import crcmod.predefined

# Initiator opcodes
OP_NOP_OUT = 0x00
OP_SCSI_CMD = 0x01
OP_TMF_REQ = 0x02
OP_LOGIN_REQ = 0x03
OP_TEXT_REQ = 0x04
OP_DATA_OUT = 0x05
OP_LOGOUT_REQ = 0x06
OP_SNACK = 0x10
# Target opcodes
OP_NOP_IN = 0x20
OP_SCSI_RSP = 0x21
OP_TMF_RSP = 0x22
OP_LOGIN_RSP = 0x23
OP_TEXT_RSP = 0x24
OP_DATA_IN = 0x25
OP_LOGOUT_RSP = 0x26
OP_R2T = 0x31
OP_ASYNC = 0x32
OP_REJECT = 0x3f

OPCODE_NAMES = {
    OP_NOP_OUT: "nop-out", OP_SCSI_CMD: "scsi-cmd", OP_TMF_REQ: "tmf-req",
    OP_LOGIN_REQ: "login-req", OP_TEXT_REQ: "text-req",
    OP_DATA_OUT: "data-out", OP_LOGOUT_REQ: "logout-req", OP_SNACK: "snack",
    OP_NOP_IN: "nop-in", OP_SCSI_RSP: "scsi-rsp", OP_TMF_RSP: "tmf-rsp",
    OP_LOGIN_RSP: "login-rsp", OP_TEXT_RSP: "text-rsp",
    OP_DATA_IN: "data-in", OP_LOGOUT_RSP: "logout-rsp", OP_R2T: "r2t",
    OP_ASYNC: "async", OP_REJECT: "reject",
}

TMF_FUNCTIONS = {
    1: "ABORT_TASK", 2: "ABORT_TASK_SET", 3: "CLEAR_ACA",
    4: "CLEAR_TASK_SET", 5: "LOGICAL_UNIT_RESET", 6: "TARGET_WARM_RESET",
    7: "TARGET_COLD_RESET", 8: "TASK_REASSIGN",
}

# Reject reasons, RFC 7143 11.17.1
REJECT_REASONS = {
    0x02: "data-digest", 0x03: "snack", 0x04: "protocol-error",
    0x05: "cmd-not-supported", 0x06: "immediate-cmd", 0x07: "task-in-progress",
    0x08: "invalid-data-ack", 0x09: "invalid-pdu-field",
    0x0a: "long-op", 0x0b: "negotiation-reset", 0x0c: "waiting-for-logout",
}

RESERVED_TAG = 0xffffffff
BHS_LEN = 48

_crc32c = crcmod.predefined.mkCrcFun("crc-32c")


def digest(data):
    """CRC32C as it goes on the wire: the final (inverted) CRC, little-endian."""
    return struct.pack("<I", _crc32c(bytes(data)))


def pad4(n):
    return (4 - (n & 3)) & 3


class PDU:
    """A PDU: 48-byte BHS, AHS and data segment.  Fields are read and written
    by byte offset; the DataSegmentLength and TotalAHSLength fields are
    filled in by encode() unless the PDU says they lie (dsl_override)."""

    def __init__(self, opcode=0, bhs=None, ahs=b"", data=b""):
        self.bhs = bytearray(bhs) if bhs is not None else bytearray(BHS_LEN)
        if bhs is None:
            self.bhs[0] = opcode
        self.ahs = bytes(ahs)
        self.data = bytes(data)
        self.dsl_override = None
        self.ahs_len_override = None

    @property
    def opcode(self):
        return self.bhs[0] & 0x3f

    @property
    def immediate(self):
        return bool(self.bhs[0] & 0x40)

    @property
    def flags(self):
        return self.bhs[1]

    @flags.setter
    def flags(self, v):
        self.bhs[1] = v & 0xff

    def u32(self, off):
        return struct.unpack_from(">I", self.bhs, off)[0]

    def set_u32(self, off, v):
        struct.pack_into(">I", self.bhs, off, v & 0xffffffff)

    def u16(self, off):
        return struct.unpack_from(">H", self.bhs, off)[0]

    def set_u16(self, off, v):
        struct.pack_into(">H", self.bhs, off, v & 0xffff)

    @property
    def itt(self):
        return self.u32(16)

    @itt.setter
    def itt(self, v):
        self.set_u32(16, v)

    @property
    def ttt(self):
        return self.u32(20)

    @ttt.setter
    def ttt(self, v):
        self.set_u32(20, v)

    @property
    def lun(self):
        return bytes(self.bhs[8:16])

    @lun.setter
    def lun(self, v):
        self.bhs[8:16] = bytes(v)[:8].ljust(8, b"\0")

    def dlength(self):
        return (self.bhs[5] << 16) | (self.bhs[6] << 8) | self.bhs[7]

    def encode(self, header_digest=False, data_digest=False):
        dsl = len(self.data) if self.dsl_override is None else self.dsl_override
        self.bhs[5:8] = struct.pack(">I", dsl & 0xffffff)[1:]
        ahs_words = (len(self.ahs) + 3) // 4
        if self.ahs_len_override is not None:
            ahs_words = self.ahs_len_override
        self.bhs[4] = ahs_words & 0xff
        ahs = self.ahs + b"\0" * pad4(len(self.ahs))
        hdr = bytes(self.bhs) + ahs
        out = hdr
        if header_digest:
            out += digest(hdr)
        if self.data:
            d = self.data + b"\0" * pad4(len(self.data))
            out += d
            if data_digest:
                out += digest(d)
        return out

    def cdb(self):
        """The whole CDB: the BHS's 16 bytes and, for a longer one, the
        rest from an extended-CDB AHS (type 1; its length counts the
        reserved byte after the type)."""
        cdb, a = bytes(self.bhs[32:48]), self.ahs
        while len(a) >= 4:
            n, kind = struct.unpack(">HB", a[:3])
            if kind == 1:
                cdb += a[4:3 + n]
            a = a[(3 + n + 3) & ~3:]
        return cdb

    def describe(self):
        """One line for the PDU log: opcode name and the common fields."""
        op = self.opcode
        name = OPCODE_NAMES.get(op, "opcode-0x%02x" % op)
        s = "%s imm=%d flags=0x%02x itt=0x%08x ttt=0x%08x dlen=%d" % (
            name, int(self.immediate), self.flags, self.itt, self.u32(20),
            self.dlength())
        if op in (OP_SCSI_CMD, OP_NOP_OUT, OP_TMF_REQ, OP_TEXT_REQ,
                  OP_LOGOUT_REQ):
            s += " cmdsn=%d expstatsn=%d" % (self.u32(24), self.u32(28))
        if op == OP_SCSI_CMD:
            s += " edtl=%d cdb=%s lun=%s" % (self.u32(20), self.cdb().hex(),
                                            self.lun.hex())
        elif op == OP_DATA_OUT:
            s += " datasn=%d offset=%d" % (self.u32(36), self.u32(40))
        elif op == OP_NOP_OUT:
            s += " lun=%s" % self.lun.hex()
        elif op == OP_TMF_REQ:
            fn = self.flags & 0x7f
            s += " function=%s rtt=0x%08x refcmdsn=%d lun=%s" % (
                TMF_FUNCTIONS.get(fn, str(fn)), self.u32(20), self.u32(32),
                self.lun.hex())
        elif op == OP_LOGOUT_REQ:
            s += " reason=%d cid=%d" % (self.flags & 0x7f, self.u16(20))
        elif op == OP_LOGIN_REQ:
            s += " isid=%s tsih=%d cid=%d cmdsn=%d expstatsn=%d" % (
                bytes(self.bhs[8:14]).hex(), self.u16(14), self.u16(20),
                self.u32(24), self.u32(28))
        return s


class ProtocolError(Exception):
    """The initiator sent something this target cannot frame."""


def recv_exact(sock, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError("connection closed by the initiator")
        buf += chunk
    return bytes(buf)


def read_pdu(sock, header_digest=False, data_digest=False, max_dlen=1 << 24):
    """Read one PDU; checks digests when they are on."""
    bhs = recv_exact(sock, BHS_LEN)
    ahs_len = bhs[4] * 4
    ahs = recv_exact(sock, ahs_len) if ahs_len else b""
    if header_digest:
        d = recv_exact(sock, 4)
        if d != digest(bhs + ahs):
            raise ProtocolError("header digest mismatch")
    dsl = (bhs[5] << 16) | (bhs[6] << 8) | bhs[7]
    if dsl > max_dlen:
        raise ProtocolError("DataSegmentLength %d over %d" % (dsl, max_dlen))
    data = b""
    if dsl:
        raw = recv_exact(sock, dsl + pad4(dsl))
        if data_digest:
            d = recv_exact(sock, 4)
            if d != digest(raw):
                raise ProtocolError("data digest mismatch")
        data = raw[:dsl]
    return PDU(bhs=bhs, ahs=ahs, data=data)


def parse_text(data):
    """key=value\\0 pairs, in order; returns a list of (key, value)."""
    out = []
    for item in bytes(data).split(b"\0"):
        if not item:
            continue
        k, sep, v = item.partition(b"=")
        out.append((k.decode("utf-8", "replace"),
                    v.decode("utf-8", "replace") if sep else None))
    return out


def build_text(pairs):
    return b"".join(("%s=%s" % (k, v)).encode() + b"\0" for k, v in pairs)
