/*
 * The tulis hand, compiled: the per-vertex work of batikgen/cloth/hand.py (densify, breathe's moves
 * between densify and the repair of folded shapes, dab, is_dot), as its numpy functions define it.
 * Those stay the reference and the fallback; tests/finish/test_hand_compiled.py compares the two.
 *
 * Why C: numpy did breathe as about 60 whole-array operations over a piece's vertices (gathers of the
 * neighbours, four passes of easing, two octaves of hashed noise), each a loop over memory that takes
 * the GIL between operations, so two threads drawing the pieces of an A0 kawung reached only about
 * 1.2 cores. Here each ring is done in three sweeps over its own vertices, which stay in the cache,
 * and the GIL is released for the whole piece: on the A0 kawung (1.2M vertices) the moves take 30 ms
 * of CPU where numpy took 125-150, dab 3 where it took 30.
 *
 * breathe, per ring (vertices a .. b-1, the last repeating the first; m = b - a - 1 distinct ones):
 *   1. twice the signed area (shoelace) and the perimeter;
 * per shape: its thickness 2 x area / perimeter (holes count negative), how far it may move
 *   min(wobble, relative x thickness) x the unsteadiness of the row its centre lies in;
 * per ring again:
 *   2. the hold: 1 on straight runs, 0 at corners and cusps, (cos(turn) + 0.2) / 0.6 clipped,
 *      eased over four steps to each side (hold = min(hold, min(neighbours) / 2 + 1/2));
 *   3. each vertex's tangent (next minus previous, normalised) and outward normal (to the right of
 *      travel for a ring of positive area, times -1 for holes);
 *   4. the wobble: octaves of value noise (SplitMix64's finaliser hashing the integer lattice, the
 *      smoothstep fade, as batikgen/motifs/kit/noise.py: the hashes are numpy's bit for bit), summed
 *      and divided by their spread;
 *   5. the swell at the ring's start: swell x exp(-(arc from the start, either way round / length)^2),
 *      never more than relative x thickness;
 *   6. the vertex moves by hold x (amplitude x wobble + swell) along its normal; the ring stays closed.
 * The floats: built with -ffp-contract=off, so no multiply-add is fused, and the operations are numpy's
 * in numpy's order, except where a different last bit cannot matter: sums (areas, perimeters, arcs)
 * are added in another order than numpy's pairwise and whole-piece sums; edge lengths are sqrt(x^2 + y^2)
 * rather than libm's hypot (which alone took a quarter of the time); divisions by a constant are
 * multiplications by its inverse. Every one of these feeds a continuous function of the vertices, so
 * a vertex lands within 1e-11 mm of numpy's. densify, dab and is_dot are numpy's bit for bit (densify
 * counts edges with hypot, as numpy does, so the count of vertices never differs).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define BUFFERS_MODULE "_hand"
#include "_buffers.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#define MAX_OCTAVES 8
#define SMOOTHING_PASSES 4

/* noise.py's hash_uniform: SplitMix64's finaliser over the mixed coordinates, 53 bits to [0, 1). */
static inline double hash_uniform(int64_t ix, int64_t iy, uint64_t seed)
{
    uint64_t z = ((uint64_t)ix * 0x9E3779B97F4A7C15ULL) ^ ((uint64_t)iy * 0xD6E8FEB86659FD93ULL) ^ seed;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z = z ^ (z >> 31);
    return (double)(z >> 11) * (1.0 / 9007199254740992.0);
}

/* The four lattice values round the last cell asked for: neighbouring vertices (a millimetre apart, the
 * lattice 5-14 mm) mostly share a cell, so most points hash nothing. */
typedef struct {
    int64_t ix, iy;
    int filled;
    double v00, v10, v01, v11;
} Cell;

/* noise.py's value_noise at one point (cell: the octave's last cell, kept up to date). */
static inline double value_noise(double x, double y, double per_period, uint64_t seed, Cell *cell)
{
    const double gx = x * per_period, gy = y * per_period;
    const double fx0 = floor(gx), fy0 = floor(gy);
    const double fx = gx - fx0, fy = gy - fy0;
    const double ux = fx * fx * (3 - 2 * fx), uy = fy * fy * (3 - 2 * fy);
    const int64_t ix = (int64_t)fx0, iy = (int64_t)fy0;
    if (!cell->filled || ix != cell->ix || iy != cell->iy) {
        cell->v00 = hash_uniform(ix, iy, seed);
        cell->v10 = hash_uniform(ix + 1, iy, seed);
        cell->v01 = hash_uniform(ix, iy + 1, seed);
        cell->v11 = hash_uniform(ix + 1, iy + 1, seed);
        cell->ix = ix;
        cell->iy = iy;
        cell->filled = 1;
    }
    const double top = cell->v00 + (cell->v10 - cell->v00) * ux;
    const double bottom = cell->v01 + (cell->v11 - cell->v01) * ux;
    return 2.0 * (top + (bottom - top) * uy) - 1.0;
}

/* The length of (dx, dy). Not libm's hypot, which numpy's uses: a quarter of this file's time went to
 * its care for overflow and its last bit, where millimetres on a cloth never overflow and the last bit
 * moves a vertex by less than a femtometre. */
static inline double edge_length(double dx, double dy)
{
    return sqrt(dx * dx + dy * dy);
}

typedef struct {
    double wobble_mm, relative, swell_mm, swell_length, spread;
    int octaves;
    double period[MAX_OCTAVES], weight[MAX_OCTAVES];
    uint64_t seed[MAX_OCTAVES];
    double y0, cell_mm;
    const double *factors;
    Py_ssize_t n_factors;
} Hand;

/* Twice the signed area and the perimeter of the ring of vertices a .. b-1 (the last edge, from the
 * closing vertex, left out as numpy's breathe leaves it), and each edge's length in seg[i]. */
static void ring_sums(const double *c, Py_ssize_t a, Py_ssize_t b, double *area2, double *perimeter, double *seg)
{
    double area = 0.0, length = 0.0;
    for (Py_ssize_t i = a; i + 1 < b; i++) {
        const double x = c[2 * i], y = c[2 * i + 1], x1 = c[2 * i + 2], y1 = c[2 * i + 3];
        area += x * y1 - x1 * y;
        seg[i] = edge_length(x1 - x, y1 - y);
        length += seg[i];
    }
    *area2 = area;
    *perimeter = length;
}

/* The unsteadiness of the row the shape's centre (middle of its vertices' y range) lies in. */
static double row_factor(const Hand *hand, const double *c, Py_ssize_t v0, Py_ssize_t v1)
{
    if (v1 <= v0)
        return hand->factors[0]; /* an empty shape: it moves nothing */
    double low = c[2 * v0 + 1], high = low;
    for (Py_ssize_t i = v0 + 1; i < v1; i++) {
        const double y = c[2 * i + 1];
        low = y < low ? y : low;
        high = y > high ? y : high;
    }
    const double row = floor(((low + high) / 2 - hand->y0) / hand->cell_mm);
    Py_ssize_t index = row < 0 ? 0 : (row > (double)(hand->n_factors - 1) ? hand->n_factors - 1 : (Py_ssize_t)row);
    return hand->factors[index];
}

/* Moves the ring a .. b-1 of coords c into out. seg: the edges' lengths (ring_sums); hold and eased:
 * scratch of at least b - a doubles. */
static void breathe_ring(const Hand *hand, const double *c, double *out, Py_ssize_t a, Py_ssize_t b, double sign,
                         double amplitude, double swell_cap, double perimeter, const double *seg, double *hold,
                         double *eased)
{
    const Py_ssize_t n = b - a, m = n - 1, m1 = m > 1 ? m : 1;
    /* The distinct vertex k of vertex i (the closing repeat is vertex 0), and k's neighbours round the
     * ring (numpy's (k -+ 1) % m1, by comparison: a division per neighbour would cost more than the rest). */
#define DISTINCT(i) ((i) - a >= m ? 0 : (i) - a)
#define PREV(k) (a + ((k) == 0 ? m1 - 1 : (k) - 1))
#define NEXT(k) (a + ((k) + 1 == m1 ? 0 : (k) + 1))
    /* 2. the hold at corners, eased over neighbours (each pass reads the last pass's values) */
    for (Py_ssize_t i = a; i < b; i++) {
        const Py_ssize_t k = DISTINCT(i), p = PREV(k), q = NEXT(k);
        const double ix = c[2 * i] - c[2 * p], iy = c[2 * i + 1] - c[2 * p + 1];
        const double ox = c[2 * q] - c[2 * i], oy = c[2 * q + 1] - c[2 * i + 1];
        /* The edges' lengths where they are the ring's own edges p -> p + 1 = i and i -> i + 1 = q. */
        const double into = (p + 1 == i) ? seg[p] : edge_length(ix, iy), out_of = (q == i + 1) ? seg[i] : edge_length(ox, oy);
        const double norms = into * out_of;
        const double turn = (ix * ox + iy * oy) / (norms > 1e-12 ? norms : 1e-12);
        double h = (turn + 0.2) / 0.6;
        hold[i - a] = h < 0.0 ? 0.0 : (h > 1.0 ? 1.0 : h);
    }
    for (int pass = 0; pass < SMOOTHING_PASSES; pass++) {
        for (Py_ssize_t i = a; i < b; i++) {
            const Py_ssize_t k = DISTINCT(i);
            const double hp = hold[PREV(k) - a], hq = hold[NEXT(k) - a];
            const double eased_in = (hp < hq ? hp : hq) * 0.5 + 0.5, own = hold[i - a];
            eased[i - a] = own < eased_in ? own : eased_in;
        }
        double *swap = hold;
        hold = eased;
        eased = swap;
    }
    /* 3-6. per vertex: normal, wobble, swell, the move */
    Cell cells[MAX_OCTAVES] = {{0}};
    double per_period[MAX_OCTAVES];
    for (int o = 0; o < hand->octaves; o++)
        per_period[o] = 1.0 / hand->period[o];
    const double per_spread = 1.0 / hand->spread, per_swell = 1.0 / hand->swell_length;
    double arc = 0.0;
    for (Py_ssize_t i = a; i < b; i++) {
        const Py_ssize_t k = DISTINCT(i), p = PREV(k), q = NEXT(k);
        const double x = c[2 * i], y = c[2 * i + 1];
        double tx = c[2 * q] - c[2 * p], ty = c[2 * q + 1] - c[2 * p + 1];
        const double norm = edge_length(tx, ty);
        const double per_norm = 1.0 / (norm > 0 ? norm : 1.0);
        tx *= per_norm;
        ty *= per_norm;
        double wobble = 0.0;
        for (int o = 0; o < hand->octaves; o++)
            wobble += hand->weight[o] * value_noise(x, y, per_period[o], hand->seed[o], &cells[o]);
        wobble *= per_spread;
        const double back = perimeter - arc, from_start = arc < back ? arc : back;
        const double q2 = from_start * per_swell;
        /* exp of less than -746 is 0 (no subnormal is that small): skipped, most of a ring */
        double swell = q2 * q2 > 746.0 ? 0.0 : hand->swell_mm * exp(-(q2 * q2));
        swell = swell < swell_cap ? swell : swell_cap;
        const double d = hold[i - a] * (amplitude * wobble + swell);
        out[2 * i] = x + (ty * sign) * d;
        out[2 * i + 1] = y + (-tx * sign) * d;
        if (i + 1 < b)
            arc += seg[i];
    }
    out[2 * (b - 1)] = out[2 * a]; /* rings stay closed */
    out[2 * (b - 1) + 1] = out[2 * a + 1];
#undef PREV
#undef NEXT
#undef DISTINCT
}

/* Returns -1 when memory runs out. */
static int breathe(const Hand *hand, const double *c, double *out, const int64_t *rings, const int64_t *parts,
                   const int64_t *shapes, Py_ssize_t n_shapes)
{
    const Py_ssize_t n_rings = (Py_ssize_t)parts[shapes[n_shapes]];
    Py_ssize_t longest = 1;
    for (Py_ssize_t r = 0; r < n_rings; r++)
        longest = rings[r + 1] - rings[r] > longest ? rings[r + 1] - rings[r] : longest;
    double *area2 = malloc((size_t)(n_rings ? n_rings : 1) * sizeof(double));
    double *perimeter = malloc((size_t)(n_rings ? n_rings : 1) * sizeof(double));
    double *hold = malloc((size_t)longest * sizeof(double)), *eased = malloc((size_t)longest * sizeof(double));
    double *seg = malloc((size_t)(rings[n_rings] ? rings[n_rings] : 1) * sizeof(double));
    int status = -1;
    if (!area2 || !perimeter || !hold || !eased || !seg)
        goto done;
    for (Py_ssize_t s = 0; s < n_shapes; s++) {
        const Py_ssize_t r0 = (Py_ssize_t)parts[shapes[s]], r1 = (Py_ssize_t)parts[shapes[s + 1]];
        /* 1. the shape's area (its parts' exteriors less their holes) and perimeter, ring by ring */
        double area = 0.0, length = 0.0;
        for (Py_ssize_t p = shapes[s]; p < shapes[s + 1]; p++)
            for (Py_ssize_t r = (Py_ssize_t)parts[p]; r < (Py_ssize_t)parts[p + 1]; r++) {
                ring_sums(c, (Py_ssize_t)rings[r], (Py_ssize_t)rings[r + 1], &area2[r], &perimeter[r], seg);
                area += fabs(area2[r]) / 2 * (r == parts[p] ? 1.0 : -1.0);
                length += perimeter[r];
            }
        const double thickness = 2 * area / (length > 1e-9 ? length : 1e-9);
        const double cap = hand->relative * thickness;
        const double amplitude = (hand->wobble_mm < cap ? hand->wobble_mm : cap) *
                                 row_factor(hand, c, (Py_ssize_t)rings[r0], (Py_ssize_t)rings[r1]);
        for (Py_ssize_t p = shapes[s]; p < shapes[s + 1]; p++)
            for (Py_ssize_t r = (Py_ssize_t)parts[p]; r < (Py_ssize_t)parts[p + 1]; r++) {
                if (rings[r + 1] <= rings[r])
                    continue;
                const double sign = (area2[r] >= 0 ? 1.0 : -1.0) * (r == parts[p] ? 1.0 : -1.0);
                breathe_ring(hand, c, out, (Py_ssize_t)rings[r], (Py_ssize_t)rings[r + 1], sign, amplitude, cap,
                             perimeter[r], seg, hold, eased);
            }
    }
    status = 0;
done:
    free(area2);
    free(perimeter);
    free(hold);
    free(eased);
    free(seg);
    return status;
}

/* The bounding box of vertices v0 .. v1-1 (at least one) of c. */
static void bounding_box(const double *c, Py_ssize_t v0, Py_ssize_t v1, double *x0, double *y0, double *x1,
                         double *y1)
{
    double left = c[2 * v0], top = c[2 * v0 + 1], right = left, bottom = top;
    for (Py_ssize_t i = v0 + 1; i < v1; i++) {
        const double x = c[2 * i], y = c[2 * i + 1];
        left = x < left ? x : left;
        right = x > right ? x : right;
        top = y < top ? y : top;
        bottom = y > bottom ? y : bottom;
    }
    *x0 = left;
    *y0 = top;
    *x1 = right;
    *y1 = bottom;
}

/* hand.py's dab: each shape (a dot) scaled about the middle of its bounding box and moved, by three
 * roughly normal variates (sums of three hashed uniforms) of its middle in micrometres. seeds: the
 * nine seeds, three a variate. */
static void dab(const double *c, double *out, const int64_t *rings, const int64_t *parts, const int64_t *shapes,
                Py_ssize_t n_shapes, const uint64_t *seeds, double size, double shift)
{
    for (Py_ssize_t s = 0; s < n_shapes; s++) {
        const Py_ssize_t v0 = (Py_ssize_t)rings[parts[shapes[s]]], v1 = (Py_ssize_t)rings[parts[shapes[s + 1]]];
        if (v1 <= v0)
            continue;
        double x0, y0, x1, y1;
        bounding_box(c, v0, v1, &x0, &y0, &x1, &y1);
        const double cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
        const double w = x1 - x0, h = y1 - y0, radius = (w > h ? w : h) / 2;
        const int64_t qx = (int64_t)nearbyint(cx * 1000), qy = (int64_t)nearbyint(cy * 1000); /* half to even */
        double u[3];
        for (int j = 0; j < 3; j++) {
            double sum = 0.0;
            for (int i = 0; i < 3; i++)
                sum += hash_uniform(qx, qy, seeds[3 * j + i]);
            u[j] = sum - 1.5;
        }
        const double scale = 1.0 + size * u[0];
        const double sx = u[1] * 2.0 * shift * radius * 0.5, sy = u[2] * 2.0 * shift * radius * 0.5;
        for (Py_ssize_t i = v0; i < v1; i++) {
            out[2 * i] = cx + (c[2 * i] - cx) * scale + sx;
            out[2 * i + 1] = cy + (c[2 * i + 1] - cy) * scale + sy;
        }
    }
}

/* hand.py's is_dot: 1 for each shape of one ring at most dot_mm across (its bounding box's longer side). */
static void dots(const double *c, const int64_t *rings, const int64_t *parts, const int64_t *shapes,
                 Py_ssize_t n_shapes, double dot_mm, uint8_t *out)
{
    for (Py_ssize_t s = 0; s < n_shapes; s++) {
        const Py_ssize_t r0 = (Py_ssize_t)parts[shapes[s]], r1 = (Py_ssize_t)parts[shapes[s + 1]];
        const Py_ssize_t v0 = (Py_ssize_t)rings[r0], v1 = (Py_ssize_t)rings[r1];
        out[s] = 0;
        if (r1 - r0 != 1 || v1 <= v0)
            continue;
        double x0, y0, x1, y1;
        bounding_box(c, v0, v1, &x0, &y0, &x1, &y1);
        const double w = x1 - x0, h = y1 - y0;
        out[s] = (w > h ? w : h) <= dot_mm;
    }
}

/* hand.py's densify, first half: how many edges each vertex's edge becomes, ceil(length / step) and at
 * least 1 (1 for each ring's closing vertex), and the rings' new offsets. Lengths are libm's hypot, as
 * numpy's, so the counts are numpy's exactly. Returns the new number of vertices. */
static Py_ssize_t densify_count(const double *c, const int64_t *rings, Py_ssize_t n_rings, double step,
                                int64_t *pieces, int64_t *new_rings)
{
    const double short_edge = step * step * (1 - 1e-9);
    Py_ssize_t total = 0;
    new_rings[0] = 0;
    for (Py_ssize_t r = 0; r < n_rings; r++) {
        for (Py_ssize_t i = (Py_ssize_t)rings[r]; i < (Py_ssize_t)rings[r + 1]; i++) {
            int64_t p = 1;
            if (i + 1 < (Py_ssize_t)rings[r + 1]) {
                const double dx = c[2 * i + 2] - c[2 * i], dy = c[2 * i + 3] - c[2 * i + 1];
                /* An edge surely shorter than a step stays one edge, hypot or not (most edges of a motif). */
                if (dx * dx + dy * dy >= short_edge) {
                    const double edges = ceil(hypot(dx, dy) / step);
                    p = edges > 1 ? (int64_t)edges : 1;
                }
            }
            pieces[i] = p;
            total += (Py_ssize_t)p;
        }
        new_rings[r + 1] = total;
    }
    return total;
}

/* densify's second half: each vertex, then pieces - 1 vertices evenly along its edge (at j / pieces). */
static void densify_fill(const double *c, Py_ssize_t n, const int64_t *pieces, double *out)
{
    Py_ssize_t k = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        const int64_t p = pieces[i];
        if (p == 1) {
            out[2 * k] = c[2 * i];
            out[2 * k + 1] = c[2 * i + 1];
            k++;
            continue;
        }
        const double dx = c[2 * i + 2] - c[2 * i], dy = c[2 * i + 3] - c[2 * i + 1];
        for (int64_t j = 0; j < p; j++, k++) {
            const double t = (double)j / (double)p;
            out[2 * k] = c[2 * i] + t * dx;
            out[2 * k + 1] = c[2 * i + 1] + t * dy;
        }
    }
}

/* The offsets must run up from 0 and stay inside what they index: checked before any work. */
static int offsets_ok(const int64_t *offsets, Py_ssize_t count, Py_ssize_t reach)
{
    if (offsets[0] != 0)
        return 0;
    for (Py_ssize_t i = 0; i < count; i++)
        if (offsets[i + 1] < offsets[i])
            return 0;
    return offsets[count] <= reach;
}

/* The shapes' part offsets, the parts' ring offsets and the rings' vertex offsets fit one another and
 * n vertices (each at least one entry, from 0, never down, the last the count of what it indexes). */
static int structure_ok(Py_buffer *shapes, Py_buffer *parts, Py_buffer *rings, Py_ssize_t n, const char *name)
{
    const Py_ssize_t n_shapes = shapes->len / (Py_ssize_t)sizeof(int64_t) - 1;
    const Py_ssize_t n_parts = parts->len / (Py_ssize_t)sizeof(int64_t) - 1;
    const Py_ssize_t n_rings = rings->len / (Py_ssize_t)sizeof(int64_t) - 1;
    if (n_shapes < 0 || n_parts < 0 || n_rings < 0 || !offsets_ok(shapes->buf, n_shapes, n_parts) ||
        !offsets_ok(parts->buf, n_parts, n_rings) || !offsets_ok(rings->buf, n_rings, n) ||
        ((const int64_t *)shapes->buf)[n_shapes] != n_parts || ((const int64_t *)parts->buf)[n_parts] != n_rings) {
        PyErr_Format(PyExc_ValueError, "%s: offsets do not fit the coordinates", name);
        return 0;
    }
    return 1;
}

static PyObject *py_breathe(PyObject *self, PyObject *args)
{
    Py_buffer coords, out, rings, parts, shapes, periods, weights, seeds, factors;
    Hand hand;
    if (!PyArg_ParseTuple(args, "y*w*y*y*y*dddddy*y*y*ddy*", &coords, &out, &rings, &parts, &shapes, &hand.wobble_mm,
                          &hand.relative, &hand.swell_mm, &hand.swell_length, &hand.spread, &periods, &weights, &seeds,
                          &hand.y0, &hand.cell_mm, &factors))
        return NULL;
    PyObject *result = NULL;
    const Py_ssize_t n = coords.len / (Py_ssize_t)(2 * sizeof(double));
    const Py_ssize_t n_shapes = shapes.len / (Py_ssize_t)sizeof(int64_t) - 1;
    hand.octaves = (int)(periods.len / (Py_ssize_t)sizeof(double));
    hand.n_factors = factors.len / (Py_ssize_t)sizeof(double);
    hand.factors = factors.buf;
    if (hand.octaves > MAX_OCTAVES || hand.n_factors < 1 ||
        !(hand.cell_mm > 0) || !(hand.swell_length > 0) || !(hand.spread > 0)) {
        PyErr_SetString(PyExc_ValueError, "breathe: sizes out of range");
        goto release;
    }
    if (check_size(&out, n * 2 * (Py_ssize_t)sizeof(double), "out") ||
        check_size(&weights, hand.octaves * (Py_ssize_t)sizeof(double), "weights") ||
        check_size(&seeds, hand.octaves * (Py_ssize_t)sizeof(uint64_t), "seeds"))
        goto release;
    for (int o = 0; o < hand.octaves; o++) {
        hand.period[o] = ((const double *)periods.buf)[o];
        hand.weight[o] = ((const double *)weights.buf)[o];
        hand.seed[o] = ((const uint64_t *)seeds.buf)[o];
    }
    if (!structure_ok(&shapes, &parts, &rings, n, "breathe"))
        goto release;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = breathe(&hand, coords.buf, out.buf, rings.buf, parts.buf, shapes.buf, n_shapes);
    Py_END_ALLOW_THREADS
    if (status)
        PyErr_NoMemory();
    else
        result = Py_NewRef(Py_None);
release:
    release_buffers(9, &coords, &out, &rings, &parts, &shapes, &periods, &weights, &seeds, &factors);
    return result;
}

static PyObject *py_dab(PyObject *self, PyObject *args)
{
    Py_buffer coords, out, rings, parts, shapes, seeds;
    double size, shift;
    if (!PyArg_ParseTuple(args, "y*w*y*y*y*y*dd", &coords, &out, &rings, &parts, &shapes, &seeds, &size, &shift))
        return NULL;
    PyObject *result = NULL;
    const Py_ssize_t n = coords.len / (Py_ssize_t)(2 * sizeof(double));
    const Py_ssize_t n_shapes = shapes.len / (Py_ssize_t)sizeof(int64_t) - 1;
    if (check_size(&out, n * 2 * (Py_ssize_t)sizeof(double), "out") ||
        check_size(&seeds, 9 * (Py_ssize_t)sizeof(uint64_t), "seeds") || !structure_ok(&shapes, &parts, &rings, n, "dab"))
        goto release;
    Py_BEGIN_ALLOW_THREADS
    dab(coords.buf, out.buf, rings.buf, parts.buf, shapes.buf, n_shapes, seeds.buf, size, shift);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
release:
    release_buffers(6, &coords, &out, &rings, &parts, &shapes, &seeds);
    return result;
}

static PyObject *py_dots(PyObject *self, PyObject *args)
{
    Py_buffer coords, rings, parts, shapes, out;
    double dot_mm;
    if (!PyArg_ParseTuple(args, "y*y*y*y*dw*", &coords, &rings, &parts, &shapes, &dot_mm, &out))
        return NULL;
    PyObject *result = NULL;
    const Py_ssize_t n = coords.len / (Py_ssize_t)(2 * sizeof(double));
    const Py_ssize_t n_shapes = shapes.len / (Py_ssize_t)sizeof(int64_t) - 1;
    if (!structure_ok(&shapes, &parts, &rings, n, "dots") || check_size(&out, n_shapes, "out"))
        goto release;
    Py_BEGIN_ALLOW_THREADS
    dots(coords.buf, rings.buf, parts.buf, shapes.buf, n_shapes, dot_mm, out.buf);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
release:
    release_buffers(5, &coords, &rings, &parts, &shapes, &out);
    return result;
}

static PyObject *py_densify_count(PyObject *self, PyObject *args)
{
    Py_buffer coords, rings, pieces, new_rings;
    double step;
    if (!PyArg_ParseTuple(args, "y*y*dw*w*", &coords, &rings, &step, &pieces, &new_rings))
        return NULL;
    PyObject *result = NULL;
    const Py_ssize_t n = coords.len / (Py_ssize_t)(2 * sizeof(double));
    const Py_ssize_t n_rings = rings.len / (Py_ssize_t)sizeof(int64_t) - 1;
    if (n_rings < 0 || !offsets_ok(rings.buf, n_rings, n) || ((const int64_t *)rings.buf)[n_rings] != n ||
        !(step > 0)) {
        PyErr_SetString(PyExc_ValueError, "densify_count: offsets do not fit the coordinates");
        goto release;
    }
    if (check_size(&pieces, n * (Py_ssize_t)sizeof(int64_t), "pieces") ||
        check_size(&new_rings, (n_rings + 1) * (Py_ssize_t)sizeof(int64_t), "new_rings"))
        goto release;
    Py_ssize_t total;
    Py_BEGIN_ALLOW_THREADS
    total = densify_count(coords.buf, rings.buf, n_rings, step, pieces.buf, new_rings.buf);
    Py_END_ALLOW_THREADS
    result = PyLong_FromSsize_t(total);
release:
    release_buffers(4, &coords, &rings, &pieces, &new_rings);
    return result;
}

static PyObject *py_densify_fill(PyObject *self, PyObject *args)
{
    Py_buffer coords, pieces, out;
    if (!PyArg_ParseTuple(args, "y*y*w*", &coords, &pieces, &out))
        return NULL;
    PyObject *result = NULL;
    const Py_ssize_t n = coords.len / (Py_ssize_t)(2 * sizeof(double));
    if (check_size(&pieces, n * (Py_ssize_t)sizeof(int64_t), "pieces"))
        goto release;
    /* The pieces must be densify_count's: at least one each, the last vertex's one, adding up to out. */
    const int64_t *p = pieces.buf;
    Py_ssize_t total = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (p[i] < 1 || p[i] > PY_SSIZE_T_MAX / 4 - total) {
            PyErr_SetString(PyExc_ValueError, "densify_fill: pieces out of range");
            goto release;
        }
        total += (Py_ssize_t)p[i];
    }
    if ((n && p[n - 1] != 1) || check_size(&out, total * 2 * (Py_ssize_t)sizeof(double), "out")) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "densify_fill: the last vertex ends its ring");
        goto release;
    }
    Py_BEGIN_ALLOW_THREADS
    densify_fill(coords.buf, n, p, out.buf);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
release:
    release_buffers(3, &coords, &pieces, &out);
    return result;
}

static PyMethodDef methods[] = {
    {"breathe", py_breathe, METH_VARARGS,
     "breathe(coords, out, ring_offsets, part_offsets, shape_offsets, wobble_mm, relative, swell_mm, swell_length,\n"
     "        spread, periods, weights, seeds, y0, cell_mm, factors)\n\n"
     "The moved vertices of batikgen.cloth.hand.breathe (after densify, before the repair), written to out.\n"
     "Called by hand.breathe, which prepares the arguments; not meant to be called directly."},
    {"dab", py_dab, METH_VARARGS,
     "dab(coords, out, ring_offsets, part_offsets, shape_offsets, seeds, size, shift)\n\n"
     "The dabbed vertices of batikgen.cloth.hand.dab, written to out.\n"
     "Called by hand.dab, which prepares the arguments; not meant to be called directly."},
    {"dots", py_dots, METH_VARARGS,
     "dots(coords, ring_offsets, part_offsets, shape_offsets, dot_mm, out)\n\n"
     "hand.is_dot of each shape, written to out (one byte a shape)."},
    {"densify_count", py_densify_count, METH_VARARGS,
     "densify_count(coords, ring_offsets, step, pieces, new_ring_offsets) -> int\n\n"
     "The first half of hand.densify: the edges each vertex's edge becomes and the new ring offsets;\n"
     "returns the new number of vertices."},
    {"densify_fill", py_densify_fill, METH_VARARGS,
     "densify_fill(coords, pieces, out)\n\nThe second half of hand.densify: the vertices, written to out."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_hand", "The compiled hand (see hand.py).", -1, methods};

PyMODINIT_FUNC PyInit__hand(void)
{
    return PyModule_Create(&module);
}
