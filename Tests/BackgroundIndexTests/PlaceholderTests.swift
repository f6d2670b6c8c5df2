import Testing
@testable import BackgroundIndex

@Test func emptyIndexIsClear() {
    #expect(BackgroundIndex().size == 0)
}
