// SPDX-License-Identifier: GPL-2.0-only
/* Placeholder while the model is written: every hypercall is refused. */
#include <linux/errno.h>
#include "xen_model.h"

unsigned long xen_model_hypercall(unsigned long op, unsigned long a1,
				  unsigned long a2, unsigned long a3,
				  unsigned long a4, unsigned long a5)
{
	return -ENOSYS;
}
