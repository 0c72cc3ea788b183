/* mpi_pingpong.c: one-way latency and bandwidth between ranks 0 and 1 (the scaling model's
 * alpha and beta on this machine): mpirun -np 2 build-mpi/mpi_pingpong. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int r, n;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    MPI_Comm_size(MPI_COMM_WORLD, &n);
    if (n < 2) {
        if (r == 0) fprintf(stderr, "mpi_pingpong: run it with mpirun -np 2\n");
        MPI_Finalize();
        return 2;
    }
    static const size_t sizes[] = {8, 1024, 16384, 131072, 1048576, 4194304};
    char *buf = calloc(1, 4194304);
    if (!buf) MPI_Abort(MPI_COMM_WORLD, 1);
    if (r == 0) printf("bytes,one_way_us,gb_per_s\n");
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        const int m = (int)sizes[s], reps = m >= 1048576 ? 50 : 500;
        double best = 1e30;
        for (int round = 0; round < 5; round++) { /* the best of 5 rounds: noise only adds */
            MPI_Barrier(MPI_COMM_WORLD);
            const double t0 = MPI_Wtime();
            for (int k = 0; k < reps && r < 2; k++) {
                if (r == 0) {
                    MPI_Send(buf, m, MPI_BYTE, 1, 0, MPI_COMM_WORLD);
                    MPI_Recv(buf, m, MPI_BYTE, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                } else {
                    MPI_Recv(buf, m, MPI_BYTE, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                    MPI_Send(buf, m, MPI_BYTE, 0, 0, MPI_COMM_WORLD);
                }
            }
            const double one_way = (MPI_Wtime() - t0) / reps / 2;
            if (one_way < best) best = one_way;
        }
        if (r == 0) printf("%d,%.2f,%.3f\n", m, best * 1e6, m / best / 1e9);
    }
    free(buf);
    MPI_Finalize();
    return 0;
}
