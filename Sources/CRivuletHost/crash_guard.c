/* crash_guard.c — one line naming the plugin, operator, instance, callback and records when plugin code
 * crashes (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP), then a documented exit status.
 *
 * The host marks each call into plugin code with a scope (rv_host_crash_scope_enter/leave: a thread-local
 * pointer, two stores per call). A crash signal on a thread inside a scope writes the line with write(2)
 * only — everything in the handler is async-signal-safe: no malloc, no stdio, no locks — and ends the
 * process with _exit(status); with `chain` the signal goes on to the handler installed before (the Swift
 * runtime's backtrace) instead. A crash outside any scope is the host's own: the previous handler gets it
 * unchanged. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rivulet_host.h"

static _Thread_local const rv_host_crash_scope *current_scope;
static const int guarded[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP};
#define GUARDED_COUNT (sizeof guarded / sizeof guarded[0])
static struct sigaction previous[GUARDED_COUNT];
static int exit_status = 70;
static int chain_to_previous;

static const char *signal_name(int signo) {
    switch (signo) {
    case SIGSEGV: return "SIGSEGV (invalid memory access)";
    case SIGBUS: return "SIGBUS (bad memory access)";
    case SIGFPE: return "SIGFPE (arithmetic error, such as a division by zero)";
    case SIGILL: return "SIGILL (illegal instruction)";
    case SIGABRT: return "SIGABRT (abort)";
    case SIGTRAP: return "SIGTRAP (a trap or breakpoint instruction)";
    default: return "a signal";
    }
}

/* Appends `text` to buf[*n..cap). */
static void append(char *buf, size_t cap, size_t *n, const char *text) {
    while (*text && *n + 1 < cap) buf[(*n)++] = *text++;
}

/* Appends `value` in decimal. */
static void append_int(char *buf, size_t cap, size_t *n, int64_t value) {
    char digits[24];
    size_t d = 0;
    uint64_t v = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
    do {
        digits[d++] = (char)('0' + v % 10);
        v /= 10;
    } while (v && d < sizeof digits);
    if (value < 0 && *n + 1 < cap) buf[(*n)++] = '-';
    while (d && *n + 1 < cap) buf[(*n)++] = digits[--d];
}

static int slot_of(int signo) {
    for (size_t i = 0; i < GUARDED_COUNT; i++)
        if (guarded[i] == signo) return (int)i;
    return -1;
}

static void on_crash(int signo, siginfo_t *info, void *ucontext) {
    const rv_host_crash_scope *s = current_scope;
    /* A fault while writing the line (a scope the plugin overwrote) is then the host's: no loop. */
    current_scope = NULL;
    int slot = slot_of(signo);
    if (s) {
        char line[1024];
        size_t n = 0;
        append(line, sizeof line, &n, "rivulet: plugin crashed: ");
        append(line, sizeof line, &n, signal_name(signo));
        append(line, sizeof line, &n, " in ");
        append(line, sizeof line, &n, s->callback ? s->callback : "a callback");
        append(line, sizeof line, &n, " of ");
        append(line, sizeof line, &n, s->what ? s->what : "a plugin operator");
        if (s->records && s->count > 0 && s->record_size > 0) {
            const rv_record *first = s->records;
            const rv_record *last = (const rv_record *)(const void *)((const uint8_t *)s->records + (s->count - 1) * s->record_size);
            append(line, sizeof line, &n, ", processing ");
            append_int(line, sizeof line, &n, (int64_t)s->count);
            append(line, sizeof line, &n, s->count == 1 ? " record: " : " records: ");
            append(line, sizeof line, &n, s->position ? s->position : "offset ");
            append_int(line, sizeof line, &n, first->offset);
            if (s->count > 1) {
                append(line, sizeof line, &n, " to ");
                append(line, sizeof line, &n, s->position ? s->position : "offset ");
                append_int(line, sizeof line, &n, last->offset);
            }
        }
        append(line, sizeof line, &n, "\n");
        ssize_t ignored = write(2, line, n);
        (void)ignored;
        if (!chain_to_previous) _exit(exit_status);
    }
    /* The host's own crash, or chaining: the handler from before takes it. */
    if (slot >= 0) {
        struct sigaction *old = &previous[slot];
        if (old->sa_flags & SA_SIGINFO) {
            if (old->sa_sigaction) {
                old->sa_sigaction(signo, info, ucontext);
                return;
            }
        } else if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
            old->sa_handler(signo);
            return;
        }
        sigaction(signo, old, NULL);
        raise(signo);
    }
}

void rv_host_crash_guard_install(int status, int chain) {
    exit_status = status;
    chain_to_previous = chain;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_crash;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < GUARDED_COUNT; i++) sigaction(guarded[i], &action, &previous[i]);
}

const rv_host_crash_scope *rv_host_crash_scope_enter(const rv_host_crash_scope *scope) {
    const rv_host_crash_scope *outer = current_scope;
    current_scope = scope;
    return outer;
}

void rv_host_crash_scope_leave(const rv_host_crash_scope *outer) { current_scope = outer; }

/* A task thread's own stack for the handler: a plugin that overflows its stack faults on the guard page,
 * and the handler could not run on the exhausted stack. */
void *rv_host_crash_guard_thread_begin(void) {
    size_t size = 64 * 1024;
    void *memory = malloc(size);
    if (!memory) return NULL;
    stack_t stack = {.ss_sp = memory, .ss_size = size, .ss_flags = 0};
    if (sigaltstack(&stack, NULL) != 0) {
        free(memory);
        return NULL;
    }
    return memory;
}

void rv_host_crash_guard_thread_end(void *memory) {
    if (!memory) return;
    stack_t off = {.ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE};
    sigaltstack(&off, NULL);
    free(memory);
}
