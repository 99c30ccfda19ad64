/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "dis.h"

#include <cstring>
#include <new>

#include <opencv2/core.hpp>
#include <opencv2/video/tracking.hpp>

ns_status
ns_dis_flow (const unsigned char *from, const unsigned char *to, int width, int height,
             const ns_dis_settings *settings, float *flow, ns_error *err)
{
  try
    {
      // Headers over the caller's buffers: DIS only reads them.
      const cv::Mat i0 (height, width, CV_8UC1, const_cast<unsigned char *> (from));
      const cv::Mat i1 (height, width, CV_8UC1, const_cast<unsigned char *> (to));
      cv::Ptr<cv::DISOpticalFlow> dis = cv::DISOpticalFlow::create (settings->preset);
      if (settings->refinement_iterations >= 0)
        dis->setVariationalRefinementIterations (settings->refinement_iterations);
      // An empty output: DIS would take a flow of the right size as its
      // first guess.
      cv::Mat result;
      dis->calc (i0, i1, result);
      if (result.type () != CV_32FC2 || result.rows != height || result.cols != width ||
          !result.isContinuous ())
        return ns_error_set (err, NS_ERROR_ARGUMENT, "DIS optical flow gave no %dx%d flow", width,
                             height);
      std::memcpy (flow, result.ptr<float> (), sizeof (float) * 2 * (size_t) width * height);
      return NS_OK;
    }
  catch (const cv::Exception &e)
    {
      return ns_error_set (err, NS_ERROR_ARGUMENT, "DIS optical flow on %dx%d frames: %s", width,
                           height, e.err.c_str ());
    }
  catch (const std::bad_alloc &)
    {
      return ns_error_set (err, NS_ERROR_NOMEM,
                           "out of memory for the optical flow of %dx%d frames", width, height);
    }
  catch (...)
    {
      return ns_error_set (err, NS_ERROR_ARGUMENT, "DIS optical flow on %dx%d frames failed", width,
                           height);
    }
}
