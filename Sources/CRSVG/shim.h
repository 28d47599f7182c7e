// librsvg and cairo for Swift: one call that renders an SVG document into a PNG held in memory.
// GError, the cairo write callback and the version differences stay on the C side, as small
// inline functions, so Swift sees plain pointers, sizes and an error text.
#ifndef DRIFTMPI_CRSVG_SHIM_H
#define DRIFTMPI_CRSVG_SHIM_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cairo.h>
#include <librsvg/rsvg.h>

/// A growing byte buffer filled by cairo's PNG writer.
typedef struct {
    unsigned char *data;
    size_t size;
    size_t capacity;
    int failed;
} crsvg_buffer;

static inline cairo_status_t crsvg_buffer_write(void *closure, const unsigned char *bytes, unsigned int length) {
    crsvg_buffer *b = (crsvg_buffer *)closure;
    if (b->size + length > b->capacity) {
        size_t capacity = b->capacity == 0 ? 65536 : b->capacity;
        while (capacity < b->size + length) capacity *= 2;
        unsigned char *grown = (unsigned char *)realloc(b->data, capacity);
        if (grown == NULL) { b->failed = 1; return CAIRO_STATUS_NO_MEMORY; }
        b->data = grown;
        b->capacity = capacity;
    }
    memcpy(b->data + b->size, bytes, length);
    b->size += length;
    return CAIRO_STATUS_SUCCESS;
}

static inline void crsvg_set_message(char *message, size_t size, const char *what, const char *detail) {
    if (message == NULL || size == 0) return;
    if (detail != NULL && detail[0] != '\0') snprintf(message, size, "%s (%s)", what, detail);
    else snprintf(message, size, "%s", what);
}

/// Renders the SVG document `svg` (`length` bytes, UTF-8) on a white `width` x `height` pixel canvas
/// (its viewport) and encodes it as an 8-bit RGB PNG. On success returns 0 and sets `*png` (release
/// with `crsvg_free`) and `*png_size`; on failure returns 1 and writes a one-line reason to `message`.
static inline int crsvg_render_png(const char *svg, size_t length, int width, int height,
                                   unsigned char **png, size_t *png_size, char *message, size_t message_size) {
    *png = NULL;
    *png_size = 0;
    if (width <= 0 || height <= 0) {
        crsvg_set_message(message, message_size, "the image size must be positive", NULL);
        return 1;
    }
    GError *error = NULL;
    RsvgHandle *handle = rsvg_handle_new_from_data((const guint8 *)svg, (gsize)length, &error);
    if (handle == NULL) {
        crsvg_set_message(message, message_size, "librsvg cannot read the SVG", error ? error->message : NULL);
        if (error) g_error_free(error);
        return 1;
    }
    rsvg_handle_set_dpi(handle, 96.0);
    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        crsvg_set_message(message, message_size, "cairo cannot make the image",
                          cairo_status_to_string(cairo_surface_status(surface)));
        cairo_surface_destroy(surface);
        g_object_unref(handle);
        return 1;
    }
    cairo_t *cr = cairo_create(surface);
    cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
    cairo_paint(cr);
    gboolean drawn;
#if LIBRSVG_CHECK_VERSION(2, 46, 0)
    RsvgRectangle viewport = { 0.0, 0.0, (double)width, (double)height };
    drawn = rsvg_handle_render_document(handle, cr, &viewport, &error);
#else
    RsvgDimensionData size;
    rsvg_handle_get_dimensions(handle, &size);
    if (size.width > 0 && size.height > 0) cairo_scale(cr, (double)width / size.width, (double)height / size.height);
    drawn = rsvg_handle_render_cairo(handle, cr);
#endif
    cairo_status_t drawing = cairo_status(cr);
    cairo_destroy(cr);
    g_object_unref(handle);
    if (!drawn || drawing != CAIRO_STATUS_SUCCESS) {
        crsvg_set_message(message, message_size, "librsvg cannot draw the SVG",
                          error ? error->message : cairo_status_to_string(drawing));
        if (error) g_error_free(error);
        cairo_surface_destroy(surface);
        return 1;
    }
    cairo_surface_flush(surface);
    crsvg_buffer buffer = { NULL, 0, 0, 0 };
    cairo_status_t written = cairo_surface_write_to_png_stream(surface, crsvg_buffer_write, &buffer);
    cairo_surface_destroy(surface);
    if (written != CAIRO_STATUS_SUCCESS || buffer.failed) {
        crsvg_set_message(message, message_size, "cairo cannot encode the PNG", cairo_status_to_string(written));
        free(buffer.data);
        return 1;
    }
    *png = buffer.data;
    *png_size = buffer.size;
    return 0;
}

/// Releases a PNG returned by `crsvg_render_png`.
static inline void crsvg_free(unsigned char *png) { free(png); }

/// The librsvg version compiled against, e.g. "2.54.7".
static inline const char *crsvg_version(void) { return LIBRSVG_VERSION; }

#endif
