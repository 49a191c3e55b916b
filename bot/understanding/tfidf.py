"""A fitted ``TfidfVectorizer``'s transform at parse time, the same figures for a third of the cost.

scikit-learn 1.1 validates the counts and rebuilds the idf vector from a sparse diagonal matrix on
every call (about 0.3 ms), which for one short message costs more than counting its n-grams. Here
the idf vector is read once; the counting is scikit-learn's own. tests/bot/understanding/
test_tfidf.py compares the output with ``TfidfVectorizer.transform`` and fails if they part.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2


class TfidfTransform:
    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        if not vectorizer.use_idf or vectorizer.norm != "l2" or vectorizer.binary:
            raise ValueError("TfidfTransform supports the vectorizers we fit: idf weights, l2 norm, counts")
        self.vectorizer = vectorizer
        self._idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self._sublinear = bool(vectorizer.sublinear_tf)

    def __call__(self, texts: Sequence[str]) -> csr_matrix:
        counts = CountVectorizer.transform(self.vectorizer, texts)  # n-gram counts as float64, in CSR
        data = counts.data
        if self._sublinear:
            np.log(data, out=data)
            data += 1.0
        data *= self._idf[counts.indices]
        inplace_csr_row_normalize_l2(counts)
        return counts
