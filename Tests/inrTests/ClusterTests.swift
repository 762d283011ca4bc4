import Foundation
import INRTestSupport
import XCTest

/// The scale-out path on a real single-node Slurm cluster (Tools/cluster/test-slurm.sh,
/// docs/scale-out.md): a sharded sweep and a segment-parallel encode through sbatch, one part
/// cancelled and submitted again, compared with one process.
final class ClusterTests: XCTestCase {
    func testSlurmRunsShardsAndSegmentsAsOneProcessWould() throws {
        guard getuid() == 0 else { throw XCTSkip("slurmd starts jobs as their users, so the local cluster needs root") }
        for daemon in ["munged", "slurmctld", "slurmd", "sbatch"] where TestSupport.which(daemon) == nil {
            throw XCTSkip("\(daemon) is not installed (Tools/setup.sh installs Debian's slurm-wlm and munge)")
        }
        let script = TestSupport.path("Tools/cluster/test-slurm.sh")
        let environment = ProcessInfo.processInfo.environment.merging(["INR": CommandLineTests.binary]) { $1 }
        let result = try TestSupport.run("/bin/bash", [script], environment: environment)
        let output = String(decoding: result.stdout, as: UTF8.self), errors = String(decoding: result.stderr, as: UTF8.self)
        print(output)
        XCTAssertEqual(result.status, 0, output + errors)
        for stage in ["the merged results.csv (8 rows) and .inr files are the one-process run's",
                      "no part 0, no temporary, no joined file", "the joined file", "is the one-process file"] {
            XCTAssertTrue(output.contains(stage), stage)
        }
    }
}
