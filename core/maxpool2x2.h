/* 2x2 max pooling, stride 2, on planar tensors; odd trailing rows/columns
 * are dropped (floor), as torch.nn.MaxPool2d(2, 2) does. */
#ifndef MAXPOOL2X2_H
#define MAXPOOL2X2_H

void maxpool2x2_forward (const float *in, int channels, int height, int width, float *out);

/* grad_in (channels x height x width) = zeros, except that each window's
 * first maximum (in row-major order) receives the window's grad_out. */
void maxpool2x2_backward (const float *in, int channels, int height, int width,
                          const float *grad_out, float *grad_in);

#endif
