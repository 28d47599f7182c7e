// librsvg and cairo for Swift: one call that renders an SVG document into a PNG held in memory.
//
// librsvg, cairo and GLib (35 more shared libraries) are loaded with dlopen at the first render, not
// linked: every other run (nearly all: estimate, apply, ... without --png) starts without resolving
// their symbols, about 36 M instructions less per process. GError, the cairo write callback and the
// library versions stay on the C side, so Swift sees plain pointers, sizes and an error text.
#ifndef DRIFTMPI_CRSVG_H
#define DRIFTMPI_CRSVG_H

#include <stddef.h>

/// Renders the SVG document `svg` (`length` bytes, UTF-8) on a white `width` x `height` pixel canvas
/// (its viewport) and encodes it as an 8-bit RGB PNG. On success returns 0 and sets `*png` (release
/// with `crsvg_free`) and `*png_size`; on failure (librsvg missing, an SVG it cannot read or draw,
/// cairo failing) returns 1 and writes a one-line reason to `message`. Not thread-safe on first use.
int crsvg_render_png(const char *svg, size_t length, int width, int height,
                     unsigned char **png, size_t *png_size, char *message, size_t message_size);

/// Releases a PNG returned by `crsvg_render_png`.
void crsvg_free(unsigned char *png);

#endif
