#if canImport(Glibc)
import Glibc
#endif
import NewsroomApplication
import Testing

@Suite("Process setup")
struct MallocArenasTests {
    @Test("the malloc arena limit is found and accepted by glibc, unless MALLOC_ARENA_MAX says otherwise")
    func arenaLimitApplies() {
        #if canImport(Glibc)
        #expect(MallocArenas.limit(to: 2) == (getenv("MALLOC_ARENA_MAX") == nil))
        #endif
    }
}
