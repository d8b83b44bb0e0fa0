/*
 * What batikgen's C extensions (batikgen/render/_dye.c, _snap.c, batikgen/cloth/_hand.c) share: the check
 * that a buffer Python hands them is large enough, and the release of the buffers a call took. Each
 * defines BUFFERS_MODULE, the name its errors start with, before including this.
 */
#ifndef BATIKGEN_BUFFERS_H
#define BATIKGEN_BUFFERS_H

#include <Python.h>
#include <stdarg.h>

/* 0 when ``buffer`` holds at least ``wanted`` bytes; else -1 with a ValueError naming it. */
static int check_size(Py_buffer *buffer, Py_ssize_t wanted, const char *name)
{
    if (buffer->len < wanted) {
        PyErr_Format(PyExc_ValueError, "%s: %s holds %zd bytes, needs %zd", BUFFERS_MODULE, name, buffer->len, wanted);
        return -1;
    }
    return 0;
}

/* Releases the ``count`` buffers given (Py_buffer *), as every function taking buffers must on its way out. */
static void release_buffers(int count, ...)
{
    va_list buffers;
    va_start(buffers, count);
    for (int i = 0; i < count; i++)
        PyBuffer_Release(va_arg(buffers, Py_buffer *));
    va_end(buffers);
}

#endif
