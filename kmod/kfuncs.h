/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MEDGATE_KFUNCS_H
#define MEDGATE_KFUNCS_H

int medgate_kfuncs_init(void);

#endif /* MEDGATE_KFUNCS_H */
