package protocol

import "strconv"

// CheckNext checks that next follows prev in one author's feed: the same
// author, the next seq, a prev link to prev's CID, and a time no earlier than
// prev's. It returns a *FeedError (ErrFeed) naming the broken rule.
func CheckNext(prev Signed, next *Record) error {
	switch {
	case next.Author != prev.Author:
		return &FeedError{Seq: next.Seq, Rule: "author differs from the previous record's"}
	case next.Seq != prev.Seq+1:
		return &FeedError{Seq: next.Seq, Rule: "does not follow seq " + strconv.FormatUint(prev.Seq, 10)}
	case next.Prev != prev.CID:
		return &FeedError{Seq: next.Seq, Rule: "prev does not link record seq " + strconv.FormatUint(prev.Seq, 10) + " (" + prev.CID.String() + ")"}
	case next.Time < prev.Time:
		return &FeedError{Seq: next.Seq, Rule: "time goes back before the previous record's"}
	}
	return nil
}
