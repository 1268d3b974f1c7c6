package p2p

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/jejak/jejak/protocol"
)

// recordMetrics count what the node's record check (examine) decides, for
// the relay's Prometheus endpoint: every record from gossip, sync and fetch
// passes through it.
type recordMetrics struct {
	checked  *prometheus.CounterVec // by outcome: accepted, ignored, rejected
	rejected *prometheus.CounterVec // by reason
	verified prometheus.Counter     // records opened: decoded and signature checked
}

// newRecordMetrics makes the counters and registers them with reg when it
// is not nil (Config.Metrics).
func newRecordMetrics(reg prometheus.Registerer) *recordMetrics {
	m := &recordMetrics{
		checked: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jejak_records_checked_total",
			Help: "Records from peers checked, by outcome: accepted (new and valid), ignored (already held, of a newer format, or dated too far ahead to hold), held (dated ahead of this node's clock, taken when its time comes), rejected (invalid).",
		}, []string{"outcome"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jejak_records_rejected_total",
			Help: "Records from peers rejected, by reason: malformed, invalid, bad_signature, too_large, other.",
		}, []string{"reason"}),
	}
	m.checked, m.rejected = register(reg, m.checked), register(reg, m.rejected)
	m.verified = registerCounter(reg, prometheus.NewCounter(prometheus.CounterOpts{
		Name: "jejak_records_verified_total",
		Help: "Records from peers opened: decoded and their signature checked (or found malformed on the way). A record the node holds is ignored before it is opened, so replaying old records costs no signature check.",
	}))
	return m
}

// register registers c with reg, or returns the counters already there
// (two nodes of one process may share a registry). Nil reg leaves c
// unregistered but usable.
func register(reg prometheus.Registerer, c *prometheus.CounterVec) *prometheus.CounterVec {
	if reg == nil {
		return c
	}
	if err := reg.Register(c); err != nil {
		var already prometheus.AlreadyRegisteredError
		if errors.As(err, &already) {
			if ex, ok := already.ExistingCollector.(*prometheus.CounterVec); ok {
				return ex
			}
		}
	}
	return c
}

// registerCounter is register for a single counter.
func registerCounter(reg prometheus.Registerer, c prometheus.Counter) prometheus.Counter {
	if reg == nil {
		return c
	}
	if err := reg.Register(c); err != nil {
		var already prometheus.AlreadyRegisteredError
		if errors.As(err, &already) {
			if ex, ok := already.ExistingCollector.(prometheus.Counter); ok {
				return ex
			}
		}
	}
	return c
}

// count records one decision of examine.
func (m *recordMetrics) count(v verdict, err error) {
	switch v {
	case accept:
		m.checked.WithLabelValues("accepted").Inc()
	case ignore:
		m.checked.WithLabelValues("ignored").Inc()
	case hold:
		m.checked.WithLabelValues("held").Inc()
	default:
		m.checked.WithLabelValues("rejected").Inc()
		m.rejected.WithLabelValues(rejectReason(err)).Inc()
	}
}

// rejectReason names the kind of a record error for the metrics.
func rejectReason(err error) string {
	switch {
	case errors.Is(err, protocol.ErrTooLarge):
		return "too_large"
	case errors.Is(err, protocol.ErrMalformed):
		return "malformed"
	case errors.Is(err, protocol.ErrInvalid):
		return "invalid"
	case errors.Is(err, protocol.ErrSignature):
		return "bad_signature"
	}
	return "other"
}
