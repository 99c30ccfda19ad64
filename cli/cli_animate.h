/* SPDX-License-Identifier: GPL-3.0-or-later */
/* neural-style animate: the frames of an animation painted in order, each
 * held to the one before it where the motion between them is known. */
#ifndef CLI_ANIMATE_H
#define CLI_ANIMATE_H

/* argv[0] is "animate"; returns the exit status. */
int cli_animate_main (int argc, char **argv);

#endif
