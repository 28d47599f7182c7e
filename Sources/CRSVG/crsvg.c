// See include/crsvg.h. The few librsvg, cairo and GLib entry points used are declared here as
// function pointers (their C ABI: librsvg 2.46 or later, for rsvg_handle_render_document; cairo 1.0)
// and looked up in librsvg-2.so.2, which brings cairo and GLib with it.
#include "crsvg.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { unsigned int domain; int code; char *message; } crsvg_gerror;   // GError
typedef struct { double x, y, width, height; } crsvg_rectangle;                 // RsvgRectangle
typedef int (*crsvg_write_func)(void *closure, const unsigned char *data, unsigned int length);

enum { CAIRO_OK = 0, CAIRO_NO_MEMORY = 1, CAIRO_RGB24 = 1 };

static struct {
    int tried;
    const char *failure;
    void *(*handle_new_from_data)(const unsigned char *, size_t, crsvg_gerror **);
    void (*handle_set_dpi)(void *, double);
    int (*handle_render_document)(void *, void *, const crsvg_rectangle *, crsvg_gerror **);
    void (*object_unref)(void *);
    void (*error_free)(crsvg_gerror *);
    void *(*image_surface_create)(int, int, int);
    int (*surface_status)(void *);
    void (*surface_destroy)(void *);
    void (*surface_flush)(void *);
    int (*surface_write_to_png_stream)(void *, crsvg_write_func, void *);
    void *(*create)(void *);
    void (*destroy)(void *);
    void (*set_source_rgb)(void *, double, double, double);
    void (*paint)(void *);
    int (*status)(void *);
    const char *(*status_to_string)(int);
} lib;

static void *symbol(void *handle, const char *name, int *missing) {
    void *p = dlsym(handle, name);
    if (p == NULL) *missing = 1;
    return p;
}

// Loads librsvg once; returns NULL or why it cannot be used.
static const char *load(void) {
    if (lib.tried) return lib.failure;
    lib.tried = 1;
    void *h = dlopen("librsvg-2.so.2", RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) return lib.failure = "librsvg-2.so.2 cannot be loaded (Debian: apt-get install librsvg2-2)";
    int missing = 0;
    *(void **)&lib.handle_new_from_data = symbol(h, "rsvg_handle_new_from_data", &missing);
    *(void **)&lib.handle_set_dpi = symbol(h, "rsvg_handle_set_dpi", &missing);
    *(void **)&lib.object_unref = symbol(h, "g_object_unref", &missing);
    *(void **)&lib.error_free = symbol(h, "g_error_free", &missing);
    *(void **)&lib.image_surface_create = symbol(h, "cairo_image_surface_create", &missing);
    *(void **)&lib.surface_status = symbol(h, "cairo_surface_status", &missing);
    *(void **)&lib.surface_destroy = symbol(h, "cairo_surface_destroy", &missing);
    *(void **)&lib.surface_flush = symbol(h, "cairo_surface_flush", &missing);
    *(void **)&lib.surface_write_to_png_stream = symbol(h, "cairo_surface_write_to_png_stream", &missing);
    *(void **)&lib.create = symbol(h, "cairo_create", &missing);
    *(void **)&lib.destroy = symbol(h, "cairo_destroy", &missing);
    *(void **)&lib.set_source_rgb = symbol(h, "cairo_set_source_rgb", &missing);
    *(void **)&lib.paint = symbol(h, "cairo_paint", &missing);
    *(void **)&lib.status = symbol(h, "cairo_status", &missing);
    *(void **)&lib.status_to_string = symbol(h, "cairo_status_to_string", &missing);
    *(void **)&lib.handle_render_document = symbol(h, "rsvg_handle_render_document", &missing);
    if (missing) return lib.failure = "librsvg-2.so.2 lacks a function the plot needs (librsvg before 2.46)";
    return NULL;
}

/// A growing byte buffer filled by cairo's PNG writer.
typedef struct {
    unsigned char *data;
    size_t size;
    size_t capacity;
    int failed;
} crsvg_buffer;

static int buffer_write(void *closure, const unsigned char *bytes, unsigned int length) {
    crsvg_buffer *b = (crsvg_buffer *)closure;
    if (b->size + length > b->capacity) {
        size_t capacity = b->capacity == 0 ? 65536 : b->capacity;
        while (capacity < b->size + length) capacity *= 2;
        unsigned char *grown = (unsigned char *)realloc(b->data, capacity);
        if (grown == NULL) { b->failed = 1; return CAIRO_NO_MEMORY; }
        b->data = grown;
        b->capacity = capacity;
    }
    memcpy(b->data + b->size, bytes, length);
    b->size += length;
    return CAIRO_OK;
}

static void set_message(char *message, size_t size, const char *what, const char *detail) {
    if (message == NULL || size == 0) return;
    if (detail != NULL && detail[0] != '\0') snprintf(message, size, "%s (%s)", what, detail);
    else snprintf(message, size, "%s", what);
}

int crsvg_render_png(const char *svg, size_t length, int width, int height,
                     unsigned char **png, size_t *png_size, char *message, size_t message_size) {
    *png = NULL;
    *png_size = 0;
    if (width <= 0 || height <= 0) {
        set_message(message, message_size, "the image size must be positive", NULL);
        return 1;
    }
    const char *failure = load();
    if (failure != NULL) {
        set_message(message, message_size, failure, NULL);
        return 1;
    }
    crsvg_gerror *error = NULL;
    void *handle = lib.handle_new_from_data((const unsigned char *)svg, length, &error);
    if (handle == NULL) {
        set_message(message, message_size, "librsvg cannot read the SVG", error ? error->message : NULL);
        if (error) lib.error_free(error);
        return 1;
    }
    lib.handle_set_dpi(handle, 96.0);
    void *surface = lib.image_surface_create(CAIRO_RGB24, width, height);
    if (lib.surface_status(surface) != CAIRO_OK) {
        set_message(message, message_size, "cairo cannot make the image", lib.status_to_string(lib.surface_status(surface)));
        lib.surface_destroy(surface);
        lib.object_unref(handle);
        return 1;
    }
    void *cr = lib.create(surface);
    lib.set_source_rgb(cr, 1.0, 1.0, 1.0);
    lib.paint(cr);
    crsvg_rectangle viewport = { 0.0, 0.0, (double)width, (double)height };
    int drawn = lib.handle_render_document(handle, cr, &viewport, &error);
    int drawing = lib.status(cr);
    lib.destroy(cr);
    lib.object_unref(handle);
    if (!drawn || drawing != CAIRO_OK) {
        set_message(message, message_size, "librsvg cannot draw the SVG",
                    error ? error->message : lib.status_to_string(drawing));
        if (error) lib.error_free(error);
        lib.surface_destroy(surface);
        return 1;
    }
    lib.surface_flush(surface);
    crsvg_buffer buffer = { NULL, 0, 0, 0 };
    int written = lib.surface_write_to_png_stream(surface, buffer_write, &buffer);
    lib.surface_destroy(surface);
    if (written != CAIRO_OK || buffer.failed) {
        set_message(message, message_size, "cairo cannot encode the PNG", lib.status_to_string(written));
        free(buffer.data);
        return 1;
    }
    *png = buffer.data;
    *png_size = buffer.size;
    return 0;
}

void crsvg_free(unsigned char *png) { free(png); }
