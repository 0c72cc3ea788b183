/* png_stats.c: "WIDTH HEIGHT COLOURS NONWHITE_PERMILLE" of a PNG (libpng's simplified API), for
 * the browser test's check that a screenshot is not blank. */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: png_stats FILE.png\n");
        return 2;
    }
    png_image im;
    memset(&im, 0, sizeof im);
    im.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&im, argv[1])) {
        fprintf(stderr, "png_stats: %s: %s\n", argv[1], im.message);
        return 1;
    }
    im.format = PNG_FORMAT_RGB;
    const size_t n = (size_t)im.width * im.height;
    unsigned char *px = malloc(PNG_IMAGE_SIZE(im));
    if (!px || !png_image_finish_read(&im, NULL, px, 0, NULL)) {
        fprintf(stderr, "png_stats: %s: %s\n", argv[1], px ? im.message : "out of memory");
        free(px);
        return 1;
    }
    /* distinct colours, counted in a bitmap of 2^24 */
    unsigned char *seen = calloc(1u << 21, 1);
    size_t colours = 0, nonwhite = 0;
    for (size_t i = 0; i < n && seen; i++) {
        const unsigned c = (unsigned)px[3 * i] << 16 | (unsigned)px[3 * i + 1] << 8 | px[3 * i + 2];
        if (!(seen[c >> 3] & (1u << (c & 7)))) {
            seen[c >> 3] |= (unsigned char)(1u << (c & 7));
            colours++;
        }
        nonwhite += c != 0xffffff;
    }
    printf("%u %u %zu %zu\n", im.width, im.height, colours, n ? nonwhite * 1000 / n : 0);
    free(seen);
    free(px);
    return 0;
}
