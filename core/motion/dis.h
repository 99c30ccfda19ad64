/* SPDX-License-Identifier: GPL-3.0-or-later */
/* OpenCV's DIS optical flow behind a C interface: OpenCV 4's API is C++
 * only, and this is the one place that speaks it. */
#ifndef NS_DIS_H
#define NS_DIS_H

#ifdef __cplusplus
extern "C"
{
#endif

#include "ns_error.h"

  /* cv::DISOpticalFlow's presets, by their OpenCV values. */
  typedef enum
  {
    NS_DIS_ULTRAFAST = 0,
    NS_DIS_FAST = 1,
    NS_DIS_MEDIUM = 2
  } ns_dis_preset;

  typedef struct
  {
    ns_dis_preset preset;
    /* The variational refinement's iterations at each scale; -1: the preset's. */
    int refinement_iterations;
  } ns_dis_settings;

  /* The flow from grey frame `from` to grey frame `to` (8-bit, width x height,
   * rows packed), dx and dy per pixel in flow (width * height * 2 floats).
   * OpenCV's exceptions become an ns_error. */
  ns_status ns_dis_flow (const unsigned char *from, const unsigned char *to, int width, int height,
                         const ns_dis_settings *settings, float *flow, ns_error *err);

#ifdef __cplusplus
}
#endif

#endif
