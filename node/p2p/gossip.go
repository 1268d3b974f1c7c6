package p2p

import (
	"context"
	"math"
	"net"
	"sync"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	pb "github.com/libp2p/go-libp2p-pubsub/pb"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/jejak/jejak/protocol"
)

// Gossip scoring. A peer's score for delivering invalid records is
// invalidWeight × (invalid count)², so with graylistThreshold at -1000 the
// fourth invalid record puts a peer on the graylist (-1600), after which
// pubsub ignores everything it sends and the engine disconnects it and
// refuses it for a while (shun.go). The count decays to 1% over an hour.
// Records that fail in sync or fetch, and violations of those protocols,
// add syncPenalty each to the peer's application-specific score, which
// decays (penaltyHalfLife); a disconnect, a reset or a timeout costs nothing.
const (
	invalidWeight      = -100.0
	gossipThreshold    = -100.0
	publishThreshold   = -500.0
	graylistThreshold  = -1000.0
	acceptPXThreshold  = 10.0
	opportunisticGraft = 3.0
	syncPenalty        = 300.0
)

// msgID names a gossip message by the CID of its data, in the CID's binary
// form (36 bytes on the wire in IHAVE and IWANT, against 59 for the text
// form; the same identity). A record arriving from two peers is one message.
func msgID(m *pb.Message) string {
	return string(protocol.ComputeCID(m.Data).Bytes())
}

// GossipSetup is how an engine runs GossipSub on a network's records
// topic: the topic, the pubsub options and the options of the topic's
// validator.
type GossipSetup struct {
	Topic     string
	Options   []pubsub.Option
	Validator []pubsub.ValidatorOpt
}

// GossipSettings returns the GossipSub settings an engine of the network
// runs with (a relay when relay is set), with its limits at their
// defaults, for tools that run GossipSub routers without an engine (the
// benchmark's network simulation). It leaves out what only an engine has:
// its score inspector and mesh tracer, and the penalties it adds for sync
// and fetch violations (every peer's application score is zero).
func GossipSettings(network string, relay bool) (GossipSetup, error) {
	if network == "" {
		network = DefaultNetwork
	}
	if err := CheckNetworkName(network); err != nil {
		return GossipSetup{}, err
	}
	limits := Limits{}.withDefaults(relay)
	return gossipSetup(protocolsFor(network).topic, limits, relay, func(peer.ID) float64 { return 0 }), nil
}

// gossipSetup returns the settings of GossipSettings, the application
// score taken from app.
//
// Records are signed by their authors, so pubsub signs nothing and names no
// author (StrictNoSign, WithNoAuthor): that saves a second signature and its
// verification on every hop. Flood publishing sends a node's own records to
// every peer at once; the validation and outbound queues are sized well
// above pubsub's 32 so bursts (a mill recording a day's harvests) are not
// dropped. Relays send peer exchange when they prune.
func gossipSetup(topic string, limits Limits, relay bool, app func(peer.ID) float64) GossipSetup {
	params, thresholds := scoreParams(topic, app)
	return GossipSetup{
		Topic: topic,
		Options: []pubsub.Option{
			pubsub.WithMessageSignaturePolicy(pubsub.StrictNoSign),
			pubsub.WithNoAuthor(),
			pubsub.WithMessageIdFn(msgID),
			pubsub.WithFloodPublish(true),
			pubsub.WithValidateQueueSize(limits.ValidateQueue),
			pubsub.WithPeerOutboundQueueSize(limits.PeerQueue),
			pubsub.WithMaxMessageSize(1 << 20),
			pubsub.WithPeerScore(params, thresholds),
			pubsub.WithPeerExchange(relay),
		},
		// Validations in flight may reach the validation queue's size, so
		// a burst that fits the queue is not throttled (dropped) by
		// pubsub's default limit of 1024 concurrent validations per topic.
		Validator: []pubsub.ValidatorOpt{pubsub.WithValidatorConcurrency(limits.ValidateQueue)},
	}
}

// startGossip starts GossipSub with Jejak's settings (gossipSetup) and
// joins the network's records topic with the record validator.
func (e *Engine) startGossip() error {
	setup := gossipSetup(e.protos.topic, e.cfg.Limits, e.cfg.Relay, func(p peer.ID) float64 {
		v, _ := e.scores.penaltyOf(p, e.cfg.Now())
		return v
	})
	// The inspector must come after WithPeerScore.
	opts := append(setup.Options,
		pubsub.WithPeerScoreInspect(pubsub.ExtendedPeerScoreInspectFn(e.onScores), e.cfg.ScoreInterval),
		pubsub.WithRawTracer(&e.mesh),
	)
	opts = append(opts, e.cfg.GossipOptions...)
	var err error
	if e.ps, err = pubsub.NewGossipSub(e.ctx, e.host, opts...); err != nil {
		return err
	}
	e.writes = make(chan gossipWrite, maxGroupCommit)
	e.spawn(e.commitGossip)
	err = e.ps.RegisterTopicValidator(e.protos.topic, pubsub.ValidatorEx(e.validateGossip), setup.Validator...)
	if err != nil {
		return err
	}
	if e.topic, err = e.ps.Join(e.protos.topic); err != nil {
		return err
	}
	// Relay joins the mesh and forwards without a subscription: the
	// validator has already stored every accepted record, so there is
	// nothing to read.
	e.relayCancel, err = e.topic.Relay()
	return err
}

// validateGossip is the topic validator: the shared record check, then
// the record goes to the group committer to be stored. The node's own records (from itself) were sealed and stored before
// they were published.
func (e *Engine) validateGossip(ctx context.Context, from peer.ID, m *pubsub.Message) pubsub.ValidationResult {
	if from == e.host.ID() {
		return pubsub.ValidationAccept
	}
	c, err := protocol.CIDFromBytes([]byte(m.ID))
	if err != nil {
		c = protocol.CID{}
	}
	rec, v, err := e.examine(ctx, m.Data, c)
	switch v {
	case reject:
		e.log.Debug("gossip: rejected record", "from", from, "err", err)
		return pubsub.ValidationReject
	case ignore:
		if err != nil {
			e.log.Debug("gossip: ignored record", "from", from, "err", err)
		}
		return pubsub.ValidationIgnore
	case hold:
		e.hold(rec, m.ReceivedFrom)
		return pubsub.ValidationIgnore
	}
	if err := e.storeGossip(ctx, rec, m.ReceivedFrom); err != nil {
		// Closing, or validation timed out: not the sender's fault.
		return pubsub.ValidationIgnore
	}
	return pubsub.ValidationAccept
}

// gossip publishes record bytes on the topic.
func (e *Engine) gossip(ctx context.Context, rec protocol.Signed) error {
	return e.topic.Publish(ctx, rec.Bytes)
}

// spawnGossip publishes a record in the background (fork evidence found by
// sync).
func (e *Engine) spawnGossip(rec protocol.Signed) {
	e.spawn(func() {
		ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
		defer cancel()
		if err := e.gossip(ctx, rec); err != nil && e.ctx.Err() == nil {
			e.log.Debug("gossip fork evidence", "cid", rec.CID, "err", err)
		}
	})
}

// scoreParams returns the peer scoring for the records topic. Time in mesh
// and first deliveries earn a little; mesh delivery deficits are not
// penalised, because records are sparse and a quiet peer is not a bad one;
// invalid records are penalised steeply (see the constants above).
func scoreParams(topic string, app func(peer.ID) float64) (*pubsub.PeerScoreParams, *pubsub.PeerScoreThresholds) {
	_, loopback, _ := net.ParseCIDR("127.0.0.0/8")
	_, ten, _ := net.ParseCIDR("10.0.0.0/8")
	_, one72, _ := net.ParseCIDR("172.16.0.0/12")
	_, one92, _ := net.ParseCIDR("192.168.0.0/16")
	_, ula, _ := net.ParseCIDR("fc00::/7")
	_, loop6, _ := net.ParseCIDR("::1/128")
	params := &pubsub.PeerScoreParams{
		Topics: map[string]*pubsub.TopicScoreParams{topic: {
			TopicWeight:                    1,
			TimeInMeshWeight:               0.01,
			TimeInMeshQuantum:              time.Second,
			TimeInMeshCap:                  300,
			FirstMessageDeliveriesWeight:   1,
			FirstMessageDeliveriesDecay:    pubsub.ScoreParameterDecay(10 * time.Minute),
			FirstMessageDeliveriesCap:      20,
			MeshMessageDeliveriesWeight:    0,
			MeshFailurePenaltyWeight:       0,
			MeshFailurePenaltyDecay:        0.5,
			InvalidMessageDeliveriesWeight: invalidWeight,
			InvalidMessageDeliveriesDecay:  pubsub.ScoreParameterDecay(time.Hour),
		}},
		TopicScoreCap:     30,
		AppSpecificScore:  app,
		AppSpecificWeight: 1,
		// Several desks of one mill share one public address, and tests
		// run every node on 127.0.0.1: private ranges are exempt.
		IPColocationFactorWeight:    -10,
		IPColocationFactorThreshold: 8,
		IPColocationFactorWhitelist: []*net.IPNet{loopback, ten, one72, one92, ula, loop6},
		BehaviourPenaltyWeight:      -10,
		BehaviourPenaltyThreshold:   6,
		BehaviourPenaltyDecay:       pubsub.ScoreParameterDecay(10 * time.Minute),
		DecayInterval:               time.Second,
		DecayToZero:                 0.01,
		RetainScore:                 time.Hour,
	}
	thresholds := &pubsub.PeerScoreThresholds{
		GossipThreshold:             gossipThreshold,
		PublishThreshold:            publishThreshold,
		GraylistThreshold:           graylistThreshold,
		AcceptPXThreshold:           acceptPXThreshold,
		OpportunisticGraftThreshold: opportunisticGraft,
	}
	return params, thresholds
}

// scoreBoard keeps the gossip scores pubsub last reported and the penalties
// this engine adds for violations in sync and fetch, with why. Penalties
// decay: each halves every penaltyHalfLife, so a peer that broke the
// protocol once (or was wrongly thought to) is forgiven within the hour.
type scoreBoard struct {
	mu        sync.Mutex
	scores    map[peer.ID]float64
	penalties map[peer.ID]*penalty
}

// penalty is what a peer has been penalised, as of at, and the latest
// reasons.
type penalty struct {
	value   float64 // negative
	at      time.Time
	reasons []string // the latest few, oldest first
}

// penaltyHalfLife is how long a penalty takes to halve.
const penaltyHalfLife = 10 * time.Minute

// maxReasons is how many reasons a peer's penalty keeps.
const maxReasons = 5

// decayed returns the penalty's value at now.
func (p *penalty) decayed(now time.Time) float64 {
	if p == nil {
		return 0
	}
	el := now.Sub(p.at)
	if el <= 0 {
		return p.value
	}
	v := p.value * math.Pow(0.5, float64(el)/float64(penaltyHalfLife))
	if v > -0.5 {
		return 0
	}
	return v
}

// update is pubsub's score inspector.
func (s *scoreBoard) update(scores map[peer.ID]float64) {
	s.mu.Lock()
	s.scores = scores
	s.mu.Unlock()
}

// score returns a peer's last reported gossip score.
func (s *scoreBoard) score(p peer.ID) (float64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.scores[p]
	return v, ok
}

// penalise counts one invalid record or protocol violation by p outside
// gossip, and why.
func (s *scoreBoard) penalise(p peer.ID, why string, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.penalties == nil {
		s.penalties = map[peer.ID]*penalty{}
	}
	old := s.penalties[p]
	np := &penalty{value: max(old.decayed(now)-syncPenalty, -1e6), at: now}
	if old != nil {
		np.reasons = old.reasons
	}
	np.reasons = append(np.reasons, why)
	if len(np.reasons) > maxReasons {
		np.reasons = np.reasons[len(np.reasons)-maxReasons:]
	}
	s.penalties[p] = np
}

// penaltyOf returns a peer's penalty now, and its latest reasons.
func (s *scoreBoard) penaltyOf(p peer.ID, now time.Time) (float64, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pe := s.penalties[p]
	v := pe.decayed(now)
	if v == 0 {
		return 0, nil
	}
	return v, append([]string(nil), pe.reasons...)
}
