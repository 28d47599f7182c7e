// libtiff for Swift. Swift cannot call C variadic functions (TIFFGetField, TIFFSetField) nor write a
// va_list error handler comfortably, so the few typed calls driftmpi needs are small inline wrappers.
#ifndef DRIFTMPI_CTIFF_SHIM_H
#define DRIFTMPI_CTIFF_SHIM_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <tiffio.h>

/// Messages libtiff reported for one open file (filled by the handlers below instead of printing
/// them to stderr). `error` holds the first error, `last_error` the latest; counts never wrap.
typedef struct {
    char error[512];
    char last_error[512];
    char warning[512];
    unsigned errors;
    unsigned warnings;
} ctiff_messages;

static inline void ctiff_format(char *buffer, size_t size, const char *module, const char *fmt, va_list ap) {
    int n = 0;
    if (module != NULL && module[0] != '\0') {
        n = snprintf(buffer, size, "%s: ", module);
        if (n < 0 || (size_t)n >= size) n = 0;
    }
    vsnprintf(buffer + n, size - (size_t)n, fmt, ap);
}

static inline int ctiff_error_handler(TIFF *tif, void *user_data, const char *module, const char *fmt, va_list ap) {
    (void)tif;
    ctiff_messages *m = (ctiff_messages *)user_data;
    if (m == NULL) return 1;
    ctiff_format(m->last_error, sizeof m->last_error, module, fmt, ap);
    if (m->errors == 0) memcpy(m->error, m->last_error, sizeof m->error);
    if (m->errors < 0xffffffffu) m->errors++;
    return 1;  // handled: libtiff's global handler (stderr) is not called
}

static inline int ctiff_warning_handler(TIFF *tif, void *user_data, const char *module, const char *fmt, va_list ap) {
    (void)tif;
    ctiff_messages *m = (ctiff_messages *)user_data;
    if (m == NULL) return 1;
    ctiff_format(m->warning, sizeof m->warning, module, fmt, ap);
    if (m->warnings < 0xffffffffu) m->warnings++;
    return 1;
}

/// libtiff's process-wide handlers print to stderr; these do nothing (for messages not tied to a file).
static inline void ctiff_silent_handler(const char *module, const char *fmt, va_list ap) {
    (void)module; (void)fmt; (void)ap;
}

static inline void ctiff_silence_global_handlers(void) {
    TIFFSetErrorHandler(ctiff_silent_handler);
    TIFFSetWarningHandler(ctiff_silent_handler);
}

/// TIFFOpen with this file's errors and warnings collected in `messages` (which must outlive the handle,
/// TIFFClose included). Mode as TIFFOpen: "r", "w", "w8" (BigTIFF), "a".
static inline TIFF *ctiff_open(const char *path, const char *mode, ctiff_messages *messages) {
#if defined(TIFFLIB_VERSION) && TIFFLIB_VERSION >= 20221213  /* libtiff 4.5.0: TIFFOpenExt */
    TIFFOpenOptions *options = TIFFOpenOptionsAlloc();
    if (options == NULL) return NULL;
    TIFFOpenOptionsSetErrorHandlerExtR(options, ctiff_error_handler, messages);
    TIFFOpenOptionsSetWarningHandlerExtR(options, ctiff_warning_handler, messages);
    TIFF *tif = TIFFOpenExt(path, mode, options);
    TIFFOpenOptionsFree(options);
    return tif;
#else
    (void)messages;
    ctiff_silence_global_handlers();
    return TIFFOpen(path, mode);
#endif
}

// Typed TIFFGetField / TIFFGetFieldDefaulted / TIFFSetField (1: found or set, 0: absent or refused).
static inline int ctiff_get_u16(TIFF *tif, uint32_t tag, uint16_t *value) { return TIFFGetField(tif, tag, value); }
static inline int ctiff_get_u32(TIFF *tif, uint32_t tag, uint32_t *value) { return TIFFGetField(tif, tag, value); }
static inline int ctiff_get_float(TIFF *tif, uint32_t tag, float *value) { return TIFFGetField(tif, tag, value); }
static inline int ctiff_get_string(TIFF *tif, uint32_t tag, const char **value) { return TIFFGetField(tif, tag, value); }
static inline int ctiff_get_u16_defaulted(TIFF *tif, uint32_t tag, uint16_t *value) {
    return TIFFGetFieldDefaulted(tif, tag, value);
}
static inline int ctiff_get_u32_defaulted(TIFF *tif, uint32_t tag, uint32_t *value) {
    return TIFFGetFieldDefaulted(tif, tag, value);
}
static inline int ctiff_set_u16(TIFF *tif, uint32_t tag, uint16_t value) { return TIFFSetField(tif, tag, (int)value); }
static inline int ctiff_set_u32(TIFF *tif, uint32_t tag, uint32_t value) { return TIFFSetField(tif, tag, value); }
/// RATIONAL tags (XResolution, YResolution) are passed as double and kept as float by libtiff.
static inline int ctiff_set_double(TIFF *tif, uint32_t tag, double value) { return TIFFSetField(tif, tag, value); }
static inline int ctiff_set_string(TIFF *tif, uint32_t tag, const char *value) { return TIFFSetField(tif, tag, value); }

#endif
