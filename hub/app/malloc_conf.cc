// jemalloc's settings for the hub binary (read by jemalloc at start-up; MALLOC_CONF in the
// environment still overrides them). Only compiled in when the binary links jemalloc.
//
// oversize_threshold: an allocation of 1 MiB or more (a large message body, its XML form, a parse
// buffer) gets its own extent that is returned to the system as soon as it is freed, instead of
// lingering as dirty pages for jemalloc's decay time (10 s). Without it a burst of large or hostile
// messages raises the resident set message after message (each a little larger than the dirty
// extents it could reuse): measured with tests/integration/test_hostile_memory.sh, peak RSS 102 MB
// with the default threshold (8 MiB), 70 MB with this one. The hot path is not touched: events are
// a few kilobytes.
#ifdef KETENHUB_JEMALLOC
extern "C" {
// NOLINTNEXTLINE: the name and type jemalloc looks up.
const char* malloc_conf = "oversize_threshold:1048576";
}
#endif
