# SPDX-License-Identifier: GPL-2.0
"""A RAM disk at LUN 0: the SCSI commands a Linux initiator sends to a disk
(SPC/SBC subset).  execute() returns (status, data-in bytes, sense)."""
import struct
import threading

GOOD = 0x00
CHECK_CONDITION = 0x02

ILLEGAL_REQUEST = 0x05


def sense_fixed(key, asc, ascq):
    s = bytearray(18)
    s[0] = 0x70
    s[2] = key
    s[7] = 10
    s[12] = asc
    s[13] = ascq
    return bytes(s)


def lun_number(lun):
    """LUN from the 8-byte field (peripheral or flat addressing)."""
    return ((lun[0] & 0x3f) << 8) | lun[1]


class RamDisk:
    def __init__(self, size_bytes, block=512, vendor="KISCSI", product="HOSTILE-TARGET"):
        self.block = block
        self.blocks = size_bytes // block
        self.mem = bytearray(self.blocks * block)
        self.lock = threading.Lock()
        self.vendor = vendor
        self.product = product
        self.serial = "KISCSI0001"

    # -- helpers -----------------------------------------------------------
    def _bad(self, asc=0x20, ascq=0):
        return CHECK_CONDITION, b"", sense_fixed(ILLEGAL_REQUEST, asc, ascq)

    def _range(self, lba, count):
        return lba + count <= self.blocks

    # -- commands ----------------------------------------------------------
    def execute(self, lun, cdb, data_out=b""):
        """data_out: the whole write payload (for writes)."""
        op = cdb[0]
        if lun_number(lun) != 0:
            if op == 0x12:      # INQUIRY: no LUN here (qualifier 3)
                return GOOD, bytes([0x7f]) + bytes(35), None
            if op == 0xa0:
                return self.report_luns(cdb)
            return self._bad(0x25, 0)
        h = {
            0x00: self.test_unit_ready, 0x03: self.request_sense,
            0x12: self.inquiry, 0xa0: self.report_luns,
            0x25: self.read_capacity10, 0x9e: self.service_action_in16,
            0x08: self.rw, 0x28: self.rw, 0x88: self.rw,
            0x0a: self.rw, 0x2a: self.rw, 0x8a: self.rw,
            0x1a: self.mode_sense, 0x5a: self.mode_sense,
            0x35: self.good, 0x91: self.good, 0x1b: self.good, 0x1e: self.good,
            0x7f: self.variable_length,
        }.get(op)
        if h is None:
            return self._bad(0x20, 0)
        if h == self.rw:
            return self.rw(cdb, data_out)
        return h(cdb)

    def good(self, cdb):
        return GOOD, b"", None

    def variable_length(self, cdb):
        """READ(32) (service action 0x0009), the one 32-byte CDB served:
        LBA in bytes 12-19, transfer length in bytes 28-31."""
        if len(cdb) != 32 or cdb[7] != 0x18 or cdb[8:10] != b"\x00\x09":
            return self._bad(0x24, 0)
        lba = struct.unpack(">Q", cdb[12:20])[0]
        count = struct.unpack(">I", cdb[28:32])[0]
        if not self._range(lba, count):
            return self._bad(0x21, 0)
        with self.lock:
            return GOOD, bytes(self.mem[lba * self.block:(lba + count) * self.block]), None

    def test_unit_ready(self, cdb):
        return GOOD, b"", None

    def request_sense(self, cdb):
        return GOOD, sense_fixed(0, 0, 0)[:cdb[4]], None

    def inquiry(self, cdb):
        alloc = struct.unpack(">H", cdb[3:5])[0]
        if cdb[1] & 1:
            page = cdb[2]
            if page == 0x00:
                pages = bytes([0x00, 0x80, 0x83])
                d = bytes([0, 0, 0, len(pages)]) + pages
            elif page == 0x80:
                sn = self.serial.encode()
                d = bytes([0, 0x80, 0, len(sn)]) + sn
            elif page == 0x83:
                naa = bytes([0x01, 0x03, 0x00, 0x08]) + bytes.fromhex("6001405deadbeef0")
                d = bytes([0, 0x83, 0, len(naa)]) + naa
            else:
                return self._bad(0x24, 0)
            return GOOD, d[:alloc], None
        if cdb[2]:
            return self._bad(0x24, 0)
        d = bytearray(36)
        d[0] = 0x00          # disk
        d[2] = 0x06          # SPC-4
        d[3] = 0x02
        d[4] = 31
        d[7] = 0x02          # CmdQue
        d[8:16] = self.vendor.encode().ljust(8)[:8]
        d[16:32] = self.product.encode().ljust(16)[:16]
        d[32:36] = b"0001"
        return GOOD, bytes(d[:alloc]), None

    def report_luns(self, cdb):
        alloc = struct.unpack(">I", cdb[6:10])[0]
        d = struct.pack(">II", 8, 0) + bytes(8)
        return GOOD, d[:alloc], None

    def read_capacity10(self, cdb):
        last = min(self.blocks - 1, 0xffffffff)
        return GOOD, struct.pack(">II", last, self.block), None

    def service_action_in16(self, cdb):
        if cdb[1] & 0x1f != 0x10:
            return self._bad(0x24, 0)
        alloc = struct.unpack(">I", cdb[10:14])[0]
        d = struct.pack(">QI", self.blocks - 1, self.block) + bytes(20)
        return GOOD, d[:alloc], None

    def mode_sense(self, cdb):
        # Caching page (08h): write cache off; nothing else.
        page = cdb[2] & 0x3f
        cache = bytes([0x08, 0x12]) + bytes(18)
        body = cache if page in (0x08, 0x3f) else b""
        if page not in (0x08, 0x3f):
            return self._bad(0x24, 0)
        if cdb[0] == 0x1a:
            alloc = cdb[4]
            d = bytes([len(body) + 3, 0, 0, 0]) + body
        else:
            alloc = struct.unpack(">H", cdb[7:9])[0]
            d = struct.pack(">HBBBBH", len(body) + 6, 0, 0, 0, 0, 0) + body
        return GOOD, d[:alloc], None

    def rw(self, cdb, data_out=b""):
        op = cdb[0]
        if op in (0x08, 0x0a):
            lba = ((cdb[1] & 0x1f) << 16) | (cdb[2] << 8) | cdb[3]
            count = cdb[4] or 256
        elif op in (0x28, 0x2a):
            lba = struct.unpack(">I", cdb[2:6])[0]
            count = struct.unpack(">H", cdb[7:9])[0]
        else:
            lba = struct.unpack(">Q", cdb[2:10])[0]
            count = struct.unpack(">I", cdb[10:14])[0]
        if not self._range(lba, count):
            return self._bad(0x21, 0)
        a, b = lba * self.block, (lba + count) * self.block
        with self.lock:
            if op in (0x08, 0x28, 0x88):
                return GOOD, bytes(self.mem[a:b]), None
            n = min(len(data_out), b - a)
            self.mem[a:a + n] = data_out[:n]
        return GOOD, b"", None

    @staticmethod
    def is_write(cdb):
        return cdb[0] in (0x0a, 0x2a, 0x8a)
