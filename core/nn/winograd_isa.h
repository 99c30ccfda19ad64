/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The kernels of winograd.c for one instruction set: winograd.c includes
 * this file once per set, after `#pragma GCC target (…)`, with WG_VL, WG_R
 * and WG_SUFFIX defined (see winograd_impl.h); it makes the functions
 * conv<SUFFIX>_m2, conv<SUFFIX>_m4, transform_weights<SUFFIX>_m2 and
 * transform_weights<SUFFIX>_m4, and leaves no macro behind but those three. */
#include "winograd_impl.h"

#define WG_M 4
#define WG_TILE_SUFFIX WG_CAT (WG_SUFFIX, _m4)
#include "winograd_tile.h"
#undef WG_M
#undef WG_TILE_SUFFIX

#define WG_M 2
#define WG_TILE_SUFFIX WG_CAT (WG_SUFFIX, _m2)
#include "winograd_tile.h"
#undef WG_M
#undef WG_TILE_SUFFIX

#undef VF
#undef VI
#undef LOADU
#undef STOREU
#undef WG_LANE_LIST
#undef WG_ROW_CHUNK
#undef WG
