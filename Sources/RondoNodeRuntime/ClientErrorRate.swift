/// Client requests that failed per million over the window since the last sample: the figure a
/// node's heartbeat carries for the rolling upgrade's health gate. Fed with running totals (the
/// counters only grow), so a sample costs two subtractions.
struct ClientErrorRate {
    private var requestsBefore = 0
    private var errorsBefore = 0

    /// The rate since the previous sample; 0 when no request came (nothing failed). A window
    /// counts at most one error per request, so the rate never exceeds one million.
    mutating func sample(requests: Int, errors: Int) -> UInt32 {
        let windowRequests = requests - requestsBefore
        let windowErrors = errors - errorsBefore
        requestsBefore = requests
        errorsBefore = errors
        guard windowRequests > 0, windowErrors > 0 else { return 0 }
        let perMillion = min(windowErrors, windowRequests) * 1_000_000 / windowRequests
        return UInt32(perMillion)
    }
}
