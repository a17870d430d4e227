/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iSCSI CRC32C digests (RFC 7143 section 13.1): the kernel's crc32c over
 * the bytes, seeded with ~0, sent as the complement in little-endian order.
 */
#ifndef KISCSI_DIGEST_H
#define KISCSI_DIGEST_H

#include <linux/crc32c.h>

#include "compat.h"

#define KISCSI_DIGEST_LEN	4
#define KISCSI_CRC_SEED		(~0u)

static inline u32 kiscsi_crc(u32 crc, const void *buf, unsigned int len)
{
	return crc32c(crc, buf, len);
}

static inline void kiscsi_put_digest(void *dst, u32 crc)
{
	put_unaligned_le32(~crc, dst);
}

static inline bool kiscsi_digest_ok(const void *src, u32 crc)
{
	return get_unaligned_le32(src) == ~crc;
}

#endif /* KISCSI_DIGEST_H */
