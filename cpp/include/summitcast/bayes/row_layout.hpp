// How a regression's rows are laid out for evaluating its density at a block
// of parameter vectors at once (the importance densities of a Laplace or
// adaptive-importance fit: thousands of vectors, no gradients).
//
// Two structures of a pooled design are used; neither changes the value
// beyond rounding.
//
// * Zero patterns.  A pooled design with series dummies and dummy x feature
//   interactions is mostly zeros: a row of series g is non-zero only in the
//   shared columns and in g's own dummy and interactions.  The columns
//   non-zero in at most half of the rows are "sparse"; the rows are grouped by
//   which sparse columns they are non-zero in, and each group's linear
//   predictors are one dense product with its own columns only (the shared
//   ones and its sparse ones, in their original order).  The grouping is used
//   when it saves at least a quarter of the multiplications and gives at most
//   kMaxPatternGroups groups; otherwise the whole design is one group.
// * Equal weights.  The rows are put in a stable order of their weights, so
//   that rows of equal weight (e.g. the series-months of one month under a
//   discount by age) are adjacent; the weighted logit's sum of w_i log(d_i)
//   then needs one logarithm per run of equal weights (the log of the
//   factors' product, see logit_log_lik_sum_by_runs), not one per row.
//   Runs are cut at kLogitChunk rows; without weights the whole design is
//   one run of weight 1 in its own order.
//
// "Block order" is that weight order: position r holds observation order()[r],
// and linear_predictors writes its rows in it.
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <map>
#include <numeric>
#include <vector>

#include "summitcast/bayes/link_functions.hpp"

namespace summitcast::bayes {

inline constexpr std::size_t kMaxPatternGroups = 64;

class RowLayout {
 public:
  RowLayout() = default;

  // X: the n x p design; weights: n entries, or empty for all ones.
  RowLayout(const Eigen::MatrixXd& X, const Eigen::VectorXd& weights) {
    const Eigen::Index n = X.rows(), p = X.cols();
    order_.resize(static_cast<std::size_t>(n));
    std::iota(order_.begin(), order_.end(), Eigen::Index{0});
    if (weights.size() > 0)
      std::stable_sort(order_.begin(), order_.end(), [&](Eigen::Index a, Eigen::Index b) { return weights[a] > weights[b]; });
    for (Eigen::Index start = 0; start < n;) {
      const double w = weights.size() > 0 ? weights[order_[static_cast<std::size_t>(start)]] : 1.0;
      Eigen::Index end = start + 1;
      while (end < n && end - start < kLogitChunk &&
             (weights.size() == 0 || weights[order_[static_cast<std::size_t>(end)]] == w))
        ++end;
      runs_.push_back({start, end - start, w});
      start = end;
    }
    group_by_patterns(X);
    if (groups_.empty() && weights.size() > 0) {  // one group: every row and column, in block order
      Group all;
      all.cols.resize(static_cast<std::size_t>(p));
      std::iota(all.cols.begin(), all.cols.end(), Eigen::Index{0});
      all.rows.resize(static_cast<std::size_t>(n));
      std::iota(all.rows.begin(), all.rows.end(), Eigen::Index{0});
      all.X = X(order_, Eigen::all);
      groups_.push_back(std::move(all));
    }
  }

  const std::vector<Eigen::Index>& order() const { return order_; }
  const std::vector<WeightRun>& runs() const { return runs_; }
  std::size_t groups() const { return groups_.size(); }

  // eta (n x m, rows in block order) = X B' for the m x p coefficients B;
  // X is the design this layout was built from (used as it is when the
  // layout keeps its rows and columns).
  void linear_predictors(const Eigen::MatrixXd& X, const Eigen::Ref<const Eigen::MatrixXd>& B,
                         Eigen::MatrixXd& eta) const {
    if (groups_.empty()) {
      eta.noalias() = X * B.transpose();
      return;
    }
    Eigen::MatrixXd part;
    for (const Group& g : groups_) {
      part.noalias() = g.X * B(Eigen::all, g.cols).transpose();
      eta(g.rows, Eigen::all) = part;
    }
  }

 private:
  struct Group {
    std::vector<Eigen::Index> rows;  // positions in block order
    std::vector<Eigen::Index> cols;  // columns of X, ascending
    Eigen::MatrixXd X;               // X(observations of rows, cols)
  };

  void group_by_patterns(const Eigen::MatrixXd& X) {
    const Eigen::Index n = X.rows(), p = X.cols();
    std::vector<Eigen::Index> shared, sparse;
    for (Eigen::Index j = 0; j < p; ++j)
      ((X.col(j).array() != 0.0).count() * 2 > n ? shared : sparse).push_back(j);
    if (sparse.empty()) return;
    std::map<std::vector<Eigen::Index>, std::size_t> index;  // pattern -> group
    std::vector<Group> groups;
    std::vector<Eigen::Index> pattern;
    for (Eigen::Index r = 0; r < n; ++r) {
      const Eigen::Index i = order_[static_cast<std::size_t>(r)];
      pattern.clear();
      for (Eigen::Index j : sparse)
        if (X(i, j) != 0.0) pattern.push_back(j);
      auto [it, added] = index.emplace(pattern, groups.size());
      if (added) {
        if (groups.size() == kMaxPatternGroups) return;
        Group g;
        std::merge(shared.begin(), shared.end(), pattern.begin(), pattern.end(), std::back_inserter(g.cols));
        groups.push_back(std::move(g));
      }
      groups[it->second].rows.push_back(r);
    }
    double cost = 0.0;
    for (const Group& g : groups) cost += static_cast<double>(g.rows.size()) * static_cast<double>(g.cols.size());
    if (cost > 0.75 * static_cast<double>(n) * static_cast<double>(p)) return;
    for (Group& g : groups) {
      std::vector<Eigen::Index> observations(g.rows.size());
      for (std::size_t k = 0; k < g.rows.size(); ++k) observations[k] = order_[static_cast<std::size_t>(g.rows[k])];
      g.X = X(observations, g.cols);
    }
    groups_ = std::move(groups);
  }

  std::vector<Eigen::Index> order_;
  std::vector<WeightRun> runs_;
  std::vector<Group> groups_;  // empty: X as it is (no weights, no grouping)
};

}  // namespace summitcast::bayes
