/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differences between the kernels kiscsi supports (Debian's 6.1 and
 * 6.12), kept in one place.
 */
#ifndef KISCSI_COMPAT_H
#define KISCSI_COMPAT_H

#include <linux/version.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/bvec.h>
#include <linux/uio.h>
#include <net/sock.h>
#include <scsi/scsi_host.h>

/* 6.12 moved the unaligned accessors to linux/ */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * A host may ask for a queuecommand that can sleep (blk-mq then dispatches
 * under SRCU); 6.12 has it, Debian's 6.1 does not and calls queuecommand
 * under RCU.  kiscsi sends from queuecommand only where it may sleep.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define KISCSI_HAVE_INLINE_SEND
#endif

/* 6.2 gave .eh_timed_out its own return type */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define kiscsi_eh_timeout_t	enum scsi_timeout_action
#define KISCSI_EH_RESET_TIMER	SCSI_EH_RESET_TIMER
#define KISCSI_EH_NOT_HANDLED	SCSI_EH_NOT_HANDLED
#else
#define kiscsi_eh_timeout_t	enum blk_eh_timer_return
#define KISCSI_EH_RESET_TIMER	BLK_EH_RESET_TIMER
#define KISCSI_EH_NOT_HANDLED	BLK_EH_DONE
#endif

/* 6.4 made host templates const */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define KISCSI_SHT_CONST const
#else
#define KISCSI_SHT_CONST
#endif

/*
 * 6.11 configures a new disk through its queue limits (device_configure);
 * before, slave_configure set queue flags.  Both are used here only to ask
 * for stable pages while a data digest covers them.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define KISCSI_HAVE_DEVICE_CONFIGURE
#endif

/* Set by Kbuild when struct sock has the field (Debian's 6.1 has it too). */
static inline void kiscsi_sk_no_task_frag(struct sock *sk)
{
#ifdef KISCSI_HAVE_SK_USE_TASK_FRAG
	sk->sk_use_task_frag = false;
#endif
}

/*
 * Whether TCP may hold a reference to part of a page instead of copying it
 * (not slab pages, nor pages with no reference count).
 */
static inline bool kiscsi_page_can_splice(struct page *page, int offset,
					  size_t len)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
	return sendpages_ok(page, len, offset);
#else
	return sendpage_ok(page);
#endif
}

/*
 * Send part of a page without copying it; the caller has checked
 * kiscsi_page_can_splice().  6.1's TCP ignores MSG_SPLICE_PAGES, so it
 * uses sendpage; 6.5 removed sendpage.
 */
static inline int kiscsi_send_page(struct socket *sock, struct page *page,
				   int offset, size_t len, int flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
	struct msghdr msg = { .msg_flags = flags | MSG_SPLICE_PAGES };
	struct bio_vec bvec;

	bvec_set_page(&bvec, page, len, offset);
	iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, &bvec, 1, len);
	return sock_sendmsg(sock, &msg);
#else
	return kernel_sendpage(sock, page, offset, len, flags);
#endif
}

#endif /* KISCSI_COMPAT_H */
