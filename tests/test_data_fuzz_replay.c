/* test_data_fuzz_replay.c: the parser fuzz target's seed corpus and every committed reproducer
 * (tests/fuzz/reproducers/parse-*), replayed through the same entry point in the normal build:
 * a crash or an abort() in the target fails this test. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>

#include "../tests/fuzz/fuzz_parse.c"

static int hb_replay_dir(const char *dir, const char *prefix) {
    DIR *d = opendir(dir);
    if (!d) return 0;
    int n = 0;
    struct dirent *e;
    static unsigned char buf[1 << 20];
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strncmp(e->d_name, prefix, strlen(prefix)) != 0) continue;
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        FILE *f = fopen(p, "rb");
        cr_assert_not_null(f, "%s", p);
        const size_t len = fread(buf, 1, sizeof buf, f);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, len);
        n++;
    }
    closedir(d);
    return n;
}

Test(fuzz_replay, seeds_and_reproducers) {
    const int seeds = hb_replay_dir(HB_TEST_DIR "/fuzz/seed_parse", "");
    cr_expect_geq(seeds, 30, "%d seeds", seeds);
    const int repro = hb_replay_dir(HB_TEST_DIR "/fuzz/reproducers", "parse-");
    cr_log_info("replayed %d seeds and %d reproducers", seeds, repro);
}
