package engine

// RetentionQueries are the store operations of retention: appraisal, disposal, agency succession, certified copies.
type RetentionQueries interface{}
