/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GIMP Neural Style: an animation in GIMP, one layer a frame (the bottom
 * layer first), painted into a new image of one layer a frame.
 *
 * main thread reports its progress to GIMP and (interactively) shows the
 * progress window with its Stop and Cancel buttons.
 *
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation; either version 3 of the License, or
 * (at your option) any later version.
 *
 * This program is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
 * GNU General Public License for more details.
 *
 * You should have received a copy of the GNU General Public License
 */
#ifndef NEURAL_STYLE_ANIMATION_H
#define NEURAL_STYLE_ANIMATION_H

#include <libgimp/gimp.h>

#include "neural-style-inputs.h"
#include "neural_style.h"

G_BEGIN_DECLS

/* Paints every frame of image, in order, each held to the one before it
 * (ns_animation), into a new image (*new_image, its top layer *top): one
 * layer a frame, named as the frame's layer (a delay or disposal tag
 * kept).  A frame is what Filters > Animation > Playback shows: the
 * image's top-level layer (a group as its composite) at its offsets on the
 * canvas, over the frames before it back to one tagged "(replace)" unless
 * it is tagged "(replace)" itself.  image is only read.  Stop keeps the
 * frames painted (the one under way as painted so far); Cancel keeps
 * nothing (GIMP_PDB_CANCEL); after an error the frames painted stay in
 * *new_image and error says so. */
GimpPDBStatusType neural_style_animate (GimpImage *image, const NeuralStyleInputValues *inputs,
                                        const ns_params *params, const gchar *weights_path,
                                        gboolean interactive, GimpImage **new_image,
                                        GimpLayer **top, GError **error);

G_END_DECLS

#endif
