// A small persistent pthread pool. Work is always split into fixed tasks by the caller; which
// thread runs a task never changes its result.
#define _GNU_SOURCE
#include "repops_internal.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>
#if defined(__linux__)
#include <sched.h>
#elif defined(__APPLE__)
#include <pthread/qos.h>
#endif

#define MAX_THREADS 64

static atomic_int thread_count = 0; // 0: not yet read from the environment
static atomic_int threads_env_invalid = 0;

static int threads_from_environment(void) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int fallback = cpus < 1 ? 1 : (cpus > MAX_THREADS ? MAX_THREADS : (int)cpus);
    const char *env = getenv("REPOPS_THREADS");
    if (env == NULL || *env == 0) return fallback;
    char *end = NULL;
    long v = strtol(env, &end, 10);
    if (*end != 0 || v < 1 || v > MAX_THREADS) {
        atomic_store(&threads_env_invalid, 1);
        return fallback;
    }
    return (int)v;
}

int gensyn_threads_get(void) {
    int v = atomic_load(&thread_count);
    if (v == 0) {
        int fresh = threads_from_environment(), expected = 0;
        if (!atomic_compare_exchange_strong(&thread_count, &expected, fresh)) fresh = expected;
        v = fresh;
    }
    return v;
}

void gensyn_threads_set(int n) { atomic_store(&thread_count, n < 1 ? 1 : (n > MAX_THREADS ? MAX_THREADS : n)); }

int gensyn_threads_env_invalid(void) {
    (void)gensyn_threads_get();
    return atomic_load(&threads_env_invalid);
}

// The pool: `busy` serialises callers; workers wait for a new generation.
static pthread_mutex_t busy = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t start_cv = PTHREAD_COND_INITIALIZER, done_cv = PTHREAD_COND_INITIALIZER;
static int workers = 0; // started worker threads (task ids 1...workers)
static atomic_ulong generation = 0;
static atomic_int pending = 0;
static int active_tasks = 0, job_tasks = 0;

// Brief spinning before sleeping: back-to-back parallel calls (a GEMM sequence) then skip the
// futex wake-up latency. Bounded (~0.1 ms), so idle workers do not hold a core.
#define SPIN_ROUNDS 4000
static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}
static void (*job_fn)(void *, int, int);
static void *job_arg;

static void *worker_main(void *p) {
    int id = (int)(intptr_t)p;
    unsigned long seen = 0;
    pthread_mutex_lock(&lock);
    for (;;) {
        if (atomic_load(&generation) == seen) {
            pthread_mutex_unlock(&lock);
            for (int i = 0; i < SPIN_ROUNDS && atomic_load_explicit(&generation, memory_order_relaxed) == seen; i++) cpu_relax();
            pthread_mutex_lock(&lock);
        }
        while (atomic_load(&generation) == seen) pthread_cond_wait(&start_cv, &lock);
        seen = atomic_load(&generation);
        if (id < active_tasks) {
            void (*fn)(void *, int, int) = job_fn;
            void *arg = job_arg;
            int n = job_tasks;
            pthread_mutex_unlock(&lock);
            fn(arg, id, n);
            pthread_mutex_lock(&lock);
            if (atomic_fetch_sub(&pending, 1) == 1) pthread_cond_signal(&done_cv);
        }
    }
    return NULL;
}

void repops_parallel(int ntasks, void (*fn)(void *arg, int task, int ntasks), void *arg) {
    if (ntasks > MAX_THREADS) ntasks = MAX_THREADS;
    if (ntasks <= 1 || pthread_mutex_trylock(&busy) != 0) {
        for (int t = 0; t < (ntasks < 1 ? 1 : ntasks); t++) fn(arg, t, ntasks < 1 ? 1 : ntasks);
        return;
    }
    pthread_mutex_lock(&lock);
    while (workers < ntasks - 1) {
        pthread_t th;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int rc = pthread_create(&th, &attr, worker_main, (void *)(intptr_t)(workers + 1));
        pthread_attr_destroy(&attr);
        if (rc != 0) break;
        workers++;
    }
    int helpers = workers < ntasks - 1 ? workers : ntasks - 1;
    job_fn = fn;
    job_arg = arg;
    active_tasks = helpers + 1;
    job_tasks = ntasks;
    atomic_store(&pending, helpers);
    atomic_fetch_add(&generation, 1);
    pthread_cond_broadcast(&start_cv);
    pthread_mutex_unlock(&lock);
    fn(arg, 0, ntasks);
    // Tasks the pool could not start (pthread_create failed) run here.
    for (int t = helpers + 1; t < ntasks; t++) fn(arg, t, ntasks);
    for (int i = 0; i < SPIN_ROUNDS && atomic_load(&pending) > 0; i++) cpu_relax();
    pthread_mutex_lock(&lock);
    while (atomic_load(&pending) > 0) pthread_cond_wait(&done_cv, &lock);
    pthread_mutex_unlock(&lock);
    pthread_mutex_unlock(&busy);
}

// The background thread: lowest priority, so it runs on idle core time and yields at once to the
// pool's workers (a preempted pool worker would stall a whole parallel op).
struct background_start { void (*fn)(void *); void *ctx; };

static void *background_main(void *p) {
    struct background_start start = *(struct background_start *)p;
    free(p);
#if defined(__linux__)
    // SCHED_IDLE: runs only on otherwise idle CPU time; any normal thread preempts it at once.
    struct sched_param param = {0};
    (void)pthread_setschedparam(pthread_self(), SCHED_IDLE, &param);
#elif defined(__APPLE__)
    (void)pthread_set_qos_class_self_np(QOS_CLASS_UTILITY, 0);
#endif
    start.fn(start.ctx);
    return NULL;
}

int gensyn_background_thread_start(void (*fn)(void *ctx), void *ctx) {
    struct background_start *start = malloc(sizeof *start);
    if (start == NULL) return -1;
    start->fn = fn;
    start->ctx = ctx;
    pthread_t th;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int rc = pthread_create(&th, &attr, background_main, start);
    pthread_attr_destroy(&attr);
    if (rc != 0) { free(start); return -1; }
    return 0;
}
