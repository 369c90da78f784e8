package perf

import (
	"fmt"

	"go.k6.io/k6/v2/errext"
	"go.k6.io/k6/v2/errext/exitcodes"
)

// sloStopError is the error the output hands to k6's test-run stop callback when an SLO verdict (its
// own guard, or the collector's global one) ends the test. k6 exits with the error's exit code, so it
// carries the code of an abortOnFail threshold, 99 (ThresholdsHaveFailed): a stop on an SLO verdict is a
// failed SLO, not a crash; a plain error would make k6 exit 255, which reads as a runner that died.
func sloStopError(format string, args ...any) error {
	return errext.WithAbortReasonIfNone(
		errext.WithExitCodeIfNone(fmt.Errorf(format, args...), exitcodes.ThresholdsHaveFailed),
		errext.AbortedByThreshold,
	)
}
