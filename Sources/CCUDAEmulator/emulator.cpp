// The CUDA emulator's launcher (see include/cuda_emulator.h): Seer's kernel files compiled for
// the CPU, a table from kernel name to a trampoline that unpacks cuLaunchKernel-style parameters,
// and the block-by-block execution of a block's threads (fibers, or OS threads under sanitizers).
#include "cuda_emulator.h"
#include "cuda_builtins.h"
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>
#include <ucontext.h>

namespace seer_emulator {
thread_local dim3 thread_index, block_index;
dim3 block_size, grid_size;
pthread_barrier_t block_barrier;
}

// The kernel sources, exactly as the CUDA backend embeds them.
#include "../SeerTensor/CUDA/Kernels/training.cu"
#include "../SeerTensor/CUDA/Kernels/elementwise.cu"
#include "../SeerTensor/CUDA/Kernels/rows.cu"
#include "../SeerTensor/CUDA/Kernels/sequence.cu"
#include "../SeerTensor/CUDA/Kernels/layout.cu"
#include "../SeerTensor/CUDA/Kernels/attention.cu"
#include "../SeerTensor/CUDA/Kernels/linear_attention.cu"

namespace {
using Trampoline = void (*)(void **);

template <typename... Args, size_t... I>
void call(void (*kernel)(Args...), void **parameters, std::index_sequence<I...>) {
    kernel(*static_cast<Args *>(parameters[I])...);
}

template <auto Kernel> void trampoline(void **parameters) {
    []<typename... Args>(void (*kernel)(Args...), void **p) {
        call(kernel, p, std::index_sequence_for<Args...>{});
    }(Kernel, parameters);
}

struct Entry { const char *name; Trampoline run; };

#define SEER_KERNEL(name) Entry{#name, trampoline<name>}
const Entry kernels[] = {
    SEER_KERNEL(seer_accumulate), SEER_KERNEL(seer_scale_in_place), SEER_KERNEL(seer_sum_of_squares),
    SEER_KERNEL(seer_any_non_finite), SEER_KERNEL(seer_adam_step), SEER_KERNEL(seer_sgd_step),
    SEER_KERNEL(seer_moving_average),
    SEER_KERNEL(seer_binary_forward), SEER_KERNEL(seer_binary_backward_a), SEER_KERNEL(seer_binary_backward_b),
    SEER_KERNEL(seer_reduce_leading), SEER_KERNEL(seer_scale_forward), SEER_KERNEL(seer_scale_backward),
    SEER_KERNEL(seer_reduce_sum_forward), SEER_KERNEL(seer_reduce_sum_backward), SEER_KERNEL(seer_unary_forward),
    SEER_KERNEL(seer_unary_backward), SEER_KERNEL(seer_gated_forward), SEER_KERNEL(seer_gated_backward),
    SEER_KERNEL(seer_softmax_forward), SEER_KERNEL(seer_softmax_backward), SEER_KERNEL(seer_layer_norm_forward),
    SEER_KERNEL(seer_layer_norm_backward_x), SEER_KERNEL(seer_layer_norm_backward_parameters), SEER_KERNEL(seer_rms_norm_forward),
    SEER_KERNEL(seer_rms_norm_backward_x), SEER_KERNEL(seer_rms_norm_backward_gamma), SEER_KERNEL(seer_normalized_gated_forward),
    SEER_KERNEL(seer_normalized_gated_backward),
    SEER_KERNEL(seer_continued_fraction_forward), SEER_KERNEL(seer_continued_fraction_backward), SEER_KERNEL(seer_causal_conv_forward),
    SEER_KERNEL(seer_causal_conv_backward_x), SEER_KERNEL(seer_causal_conv_backward_weight), SEER_KERNEL(seer_causal_conv_backward_bias),
    SEER_KERNEL(seer_cross_entropy_forward), SEER_KERNEL(seer_cross_entropy_backward), SEER_KERNEL(seer_regression_loss_forward),
    SEER_KERNEL(seer_regression_loss_backward),
    SEER_KERNEL(seer_dropout_forward), SEER_KERNEL(seer_dropout_backward), SEER_KERNEL(seer_embedding_forward),
    SEER_KERNEL(seer_embedding_backward), SEER_KERNEL(seer_copy_axis_range), SEER_KERNEL(seer_permute), SEER_KERNEL(seer_fill_rows),
    SEER_KERNEL(seer_attention_forward), SEER_KERNEL(seer_attention_row_dot), SEER_KERNEL(seer_attention_backward_query),
    SEER_KERNEL(seer_attention_backward_key),
    SEER_KERNEL(seer_linear_attention_chunk_state), SEER_KERNEL(seer_linear_attention_scan), SEER_KERNEL(seer_linear_attention_output),
    SEER_KERNEL(seer_linear_attention_chunk_query_state), SEER_KERNEL(seer_linear_attention_reverse_scan),
    SEER_KERNEL(seer_linear_attention_backward_chunk), SEER_KERNEL(seer_linear_attention_softmax_backward),
    SEER_KERNEL(seer_linear_attention_theta),
};

// How a block's threads run. By default each CUDA thread is a fiber (ucontext) on the launching
// thread, and __syncthreads switches to the next fiber: a round-robin round takes every thread to
// its next barrier, which is exactly __syncthreads' guarantee, and costs a context switch instead
// of waking 256 OS threads (with OS threads, a 256-thread barrier on 2 cores took about 1 ms, and a
// small attention launch seconds). Under ThreadSanitizer and AddressSanitizer, which do not follow
// swapcontext's stack switches, each CUDA thread is an OS thread and __syncthreads a pthread
// barrier, as before. Either way the threads of block b all finish before block b + 1 starts, so
// the static __shared__ arrays are never shared by two blocks.
#if defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define SEER_EMULATOR_OS_THREADS 1
#endif
#endif
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define SEER_EMULATOR_OS_THREADS 1
#endif

struct Worker { dim3 thread; Trampoline run; void **parameters; bool done; ucontext_t context; };

/// Runs this thread's part of every block of the grid, meeting the others at each block's end.
void run_blocks(Worker *worker) {
    const dim3 grid = seer_emulator::grid_size;
    for (unsigned bz = 0; bz < grid.z; bz++) for (unsigned by = 0; by < grid.y; by++) for (unsigned bx = 0; bx < grid.x; bx++) {
        seer_emulator::block_index = {bx, by, bz};
        worker->run(worker->parameters);
        seer_emulator::synchronize();
    }
    worker->done = true;
}

#ifdef SEER_EMULATOR_OS_THREADS
void *run_thread(void *argument) {
    auto *worker = static_cast<Worker *>(argument);
    seer_emulator::thread_index = worker->thread;
    run_blocks(worker);
    return nullptr;
}
#else
ucontext_t scheduler;
Worker *running = nullptr;
constexpr size_t fiber_stack_bytes = 128 * 1024;

void fiber_entry() { run_blocks(running); }  // returns to `scheduler` through uc_link
#endif
}

#ifdef SEER_EMULATOR_OS_THREADS
void seer_emulator::synchronize() { pthread_barrier_wait(&seer_emulator::block_barrier); }
#else
void seer_emulator::synchronize() { swapcontext(&running->context, &scheduler); }
#endif

extern "C" int seer_emulator_launch(const char *name, unsigned gridX, unsigned gridY, unsigned gridZ, unsigned blockX,
                                    unsigned blockY, unsigned blockZ, void **parameters) {
    Trampoline run = nullptr;
    for (const Entry &entry : kernels) if (std::strcmp(entry.name, name) == 0) run = entry.run;
    if (run == nullptr) return 1;
    // One launch at a time, as on one stream: the grid, block and barrier are process-wide.
    static pthread_mutex_t launching = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&launching);
    seer_emulator::grid_size = {gridX, gridY, gridZ};
    seer_emulator::block_size = {blockX, blockY, blockZ};
    unsigned threads = blockX * blockY * blockZ;
    std::vector<Worker> workers(threads);
    unsigned t = 0;
    for (unsigned z = 0; z < blockZ; z++) for (unsigned y = 0; y < blockY; y++) for (unsigned x = 0; x < blockX; x++, t++)
        workers[t] = {{x, y, z}, run, parameters, false, {}};
#ifdef SEER_EMULATOR_OS_THREADS
    pthread_barrier_init(&seer_emulator::block_barrier, nullptr, threads);
    std::vector<pthread_t> handles(threads);
    for (t = 0; t < threads; t++)
        if (pthread_create(&handles[t], nullptr, run_thread, &workers[t]) != 0) { std::perror("seer emulator: a block's thread"); std::abort(); }
    for (pthread_t handle : handles) pthread_join(handle, nullptr);
    pthread_barrier_destroy(&seer_emulator::block_barrier);
#else
    static std::vector<char> stacks;
    if (stacks.size() < threads * fiber_stack_bytes) stacks.resize(threads * fiber_stack_bytes);
    for (t = 0; t < threads; t++) {
        getcontext(&workers[t].context);
        workers[t].context.uc_stack.ss_sp = stacks.data() + t * fiber_stack_bytes;
        workers[t].context.uc_stack.ss_size = fiber_stack_bytes;
        workers[t].context.uc_link = &scheduler;
        makecontext(&workers[t].context, fiber_entry, 0);
    }
    const dim3 launcher = seer_emulator::thread_index;
    for (bool unfinished = true; unfinished;) {
        unfinished = false;
        for (Worker &worker : workers) {
            if (worker.done) continue;
            running = &worker;
            seer_emulator::thread_index = worker.thread;
            swapcontext(&scheduler, &worker.context);
            unfinished = unfinished || !worker.done;
        }
    }
    seer_emulator::thread_index = launcher;
#endif
    pthread_mutex_unlock(&launching);
    return 0;
}

extern "C" int seer_emulator_kernel_count(void) { return int(sizeof kernels / sizeof kernels[0]); }
extern "C" const char *seer_emulator_kernel_name(int index) { return kernels[index].name; }
