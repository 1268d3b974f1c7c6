package bench

import (
	"fmt"
	"math"
)

// A year of a national palm-oil network: Malaysia and Indonesia. Each
// figure the scale scenario derives from these says which it uses; each
// one here says where it comes from, or that it is an assumption.

// assumption is one input of the national model.
type assumption struct {
	what   string
	value  float64
	unit   string
	source string
}

// The inputs of the national model.
var (
	myFFB = assumption{"Malaysia: fresh fruit bunches processed (2022)", 93.65e6, "t",
		"MPOB, Palm Oil Engineering Bulletin 144 (2023), after Parveez et al., J. Oil Palm Res. 35(2) 2023"}
	myCPO = assumption{"Malaysia: crude palm oil produced (2022)", 18.45e6, "t", "the same"}
	myHa  = assumption{"Malaysia: oil palm planted area (2022)", 5.67e6, "ha", "the same"}
	myMil = assumption{"Malaysia: palm oil mills in operation", 450, "mills", "MPOB licensing statistics (about 450)"}
	idCPO = assumption{"Indonesia: crude palm oil produced (2023)", 47.08e6, "t", "BPS, Statistik Kelapa Sawit Indonesia 2023"}
	idHa  = assumption{"Indonesia: oil palm planted area (2023)", 15.93e6, "ha", "the same"}
	idMil = assumption{"Indonesia: palm oil mills", 1000, "mills",
		"about a thousand: the Universal Mill List (WRI, Rainforest Alliance) and Trase list on that order"}
	idOER = assumption{"Indonesia: oil extraction rate (CPO from FFB)", 0.205, "",
		"assumption, near Malaysia's 2022 rate (18.45 / 93.65 = 19.7 %)"}
	load = assumption{"Mean fruit delivery to a mill", 4, "t",
		"assumption: smallholder pick-ups of 1–3 t beside estate and dealer lorries of 8–15 t"}
	millDays   = assumption{"Days a mill takes in fruit", 300, "days/year", "assumption"}
	ownFeed    = assumption{"Share of fruit from growers who run Jejak themselves", 0.6, "", "assumption; BPS puts smallholders at 34 % of Indonesia's production (2023)"}
	tanker     = assumption{"Crude palm oil per road tanker, mill to refinery", 30, "t", "assumption"}
	refDay     = assumption{"A refinery batch: one day's intake of a mid-size refinery", 1000, "t CPO", "assumption (refineries run 1,000–3,000 t a day)"}
	tankDays   = assumption{"Mill days mixed in one mill's CPO tank (mass balance)", 3, "days", "assumption"}
	hours      = assumption{"Hours a day mills take in fruit", 12, "h", "assumption"}
	weekDays   = assumption{"Days a week mills take in fruit", 6, "days", "assumption"}
	peakMonth  = assumption{"Peak month over the mean month", 1.3, "", "assumption (the peak crop of September–November)"}
	refineries = assumption{"Refineries, traders, buyers and certifiers", 700, "organisations", "assumption"}
	growers    = assumption{"Growers with a feed of their own (estates, plantation companies, co-operatives)", 5000, "organisations", "assumption"}
	devices    = assumption{"Devices (feeds) per organisation", 3, "", "assumption"}
	orgTrust   = assumption{"Trust records per organisation a year: profile, delegations, endorsements, revocations", 6.5, "records", "assumption: 1 profile, 3 delegations, 2 endorsements, 0.5 revocations"}
	link       = assumption{"A mill's internet link", 20, "Mbit/s", "assumption (rural fixed line or 4G)"}
)

// assumptions lists the national model's inputs, for the report.
func assumptions() []assumption {
	return []assumption{myFFB, myCPO, myHa, myMil, idCPO, idHa, idMil, idOER, load, millDays, ownFeed, tanker,
		refDay, tankDays, hours, weekDays, peakMonth, refineries, growers, devices, orgTrust, link}
}

// nation is the national model's outputs.
type nation struct {
	ffb, cpo           float64 // t a year
	mills              float64
	deliveries         float64 // a year
	perMillDay         float64
	recsPerDelivery    float64
	upstream           float64 // records a year from deliveries
	downstream         float64 // mill runs, tanker transfers and receipts
	records            float64 // a year
	meanRate, peakRate float64 // records/s
	orgs, feeds        float64
	trust              float64 // trust records a year
	ancestry, ancestMB float64 // records in a refinery day batch's ancestry: one tank day, tankDays mixed
	millKeeps          float64 // records a mill's own feeds hold a year
}

// year works the model out.
func year() nation {
	var y nation
	y.ffb = myFFB.value + idCPO.value/idOER.value
	y.cpo = myCPO.value + idCPO.value
	y.mills = myMil.value + idMil.value
	y.deliveries = y.ffb / load.value
	y.perMillDay = y.deliveries / (y.mills * millDays.value)
	// A grower with a feed: its harvest (origin), its transfer, the
	// mill's receipt. A smallholder without one: the mill records the
	// harvest on its behalf (one origin).
	y.recsPerDelivery = ownFeed.value*3 + (1-ownFeed.value)*1
	y.upstream = y.deliveries * y.recsPerDelivery
	// Mills: one process a day for CPO and kernels each; every tanker of
	// CPO a transfer and a receipt (kernels left out: fewer and smaller).
	y.downstream = y.mills*millDays.value*2 + y.cpo/tanker.value*2
	y.records = y.upstream + y.downstream
	const secondsAYear = 365.25 * 24 * 3600
	y.meanRate = y.records / secondsAYear
	y.peakRate = y.meanRate * (24 / hours.value) * (7 / weekDays.value) * peakMonth.value
	y.orgs = y.mills + refineries.value + growers.value
	y.feeds = y.orgs * devices.value
	y.trust = y.orgs * orgTrust.value
	// A refinery's day: tankers of CPO, each from a mill day's process
	// whose inputs are that day's deliveries (their records, and a place
	// for each harvest at worst).
	tankers := refDay.value / tanker.value
	millDay := 1 + y.perMillDay*(y.recsPerDelivery+1)
	y.ancestry = 1 + tankers*2 + tankers*millDay
	y.ancestMB = 1 + tankers*2 + tankers*millDay*tankDays.value
	// A mill's own feeds: one record a delivery (its receipt of a
	// grower's transfer, or the origin it records for a smallholder), its
	// processes, its tanker transfers.
	y.millKeeps = y.deliveries/y.mills + millDays.value*2 + y.cpo/y.mills/tanker.value
	return y
}

// dhtPuts is the DHT writes a second, network-wide, to keep keys provider
// records alive: each provided to k = 20 peers and again every 22 hours
// (go-libp2p-kad-dht's amino defaults).
func dhtPuts(keys float64) float64 { return keys * 20 / (22 * 3600) }

// Formats for the national figures.

func si(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e9:
		return fmt.Sprintf("%.2f × 10^9", v/1e9)
	case a >= 1e6:
		return fmt.Sprintf("%.1f million", v/1e6)
	case a >= 1e3 || v == math.Round(v):
		return count(int(math.Round(v)))
	}
	return fmt.Sprintf("%.3g", v)
}

func bytesIEC(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1<<40:
		return fmt.Sprintf("%.1f TiB", v/(1<<40))
	case a >= 1<<30:
		return fmt.Sprintf("%.1f GiB", v/(1<<30))
	case a >= 1<<20:
		return fmt.Sprintf("%.1f MiB", v/(1<<20))
	case a >= 1<<10:
		return fmt.Sprintf("%.1f KiB", v/(1<<10))
	}
	return fmt.Sprintf("%.0f B", v)
}

func rate(bytesPerSecond float64) string {
	return fmt.Sprintf("%s/s (%.2f Mbit/s)", bytesIEC(bytesPerSecond), bytesPerSecond*8/1e6)
}

func hoursOf(seconds float64) string {
	if seconds >= 48*3600 {
		return fmt.Sprintf("%.1f days", seconds/86400)
	}
	return fmt.Sprintf("%.1f h", seconds/3600)
}
