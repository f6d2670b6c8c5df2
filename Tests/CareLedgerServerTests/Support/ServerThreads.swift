import Dispatch

/// A task executor on a Dispatch queue of its own, whose threads are added as needed, unlike
/// the cooperative pool's one per core: the live server tests' clocks then measure the server,
/// even while other suites in the same process block the pool (crash tests waiting on child
/// processes, exports hashing on every core).
final class ServerThreads: TaskExecutor {
    static let shared = ServerThreads()
    private let queue = DispatchQueue(label: "careledger.tests.server", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
