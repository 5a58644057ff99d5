// How a regression's rows are laid out for evaluating its linear predictors
// at a block of parameter vectors at once (the importance densities of a
// Laplace or adaptive-importance fit: thousands of vectors, no gradients).
//
// Zero patterns.  A pooled design with series dummies and dummy x feature
// interactions is mostly zeros: a row of series g is non-zero only in the
// shared columns and in g's own dummy and interactions.  The columns non-zero
// in at most half of the rows are "sparse"; the rows are grouped by which
// sparse columns they are non-zero in, and each group's linear predictors are
// one dense product with its own columns only (the shared ones and its sparse
// ones, in their original order), which does not change the value beyond
// rounding.  The grouping is used when it saves at least a quarter of the
// multiplications and gives at most kMaxPatternGroups groups; otherwise the
// whole design is one group (every row and column).  Rows keep their order
// in linear_predictors' result.
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <iterator>
#include <map>
#include <numeric>
#include <vector>

namespace summitcast::bayes {

inline constexpr std::size_t kMaxPatternGroups = 64;

class RowLayout {
 public:
  RowLayout() = default;

  struct Group {
    std::vector<Eigen::Index> rows;  // rows of X, ascending
    std::vector<Eigen::Index> cols;  // columns of X, ascending
    Eigen::MatrixXd X;               // X(rows, cols)
  };

  // X: the n x p design.
  explicit RowLayout(const Eigen::MatrixXd& X) {
    group_by_patterns(X);
    if (groups_.empty()) {  // one group: every row and column
      Group all;
      all.rows.resize(static_cast<std::size_t>(X.rows()));
      std::iota(all.rows.begin(), all.rows.end(), Eigen::Index{0});
      all.cols.resize(static_cast<std::size_t>(X.cols()));
      std::iota(all.cols.begin(), all.cols.end(), Eigen::Index{0});
      all.X = X;
      groups_.push_back(std::move(all));
    }
  }

  const std::vector<Group>& groups() const { return groups_; }

  // eta (n x m) = X B' for the m x p coefficients B of the design this
  // layout was built from.
  void linear_predictors(const Eigen::Ref<const Eigen::MatrixXd>& B, Eigen::MatrixXd& eta) const {
    Eigen::MatrixXd part;
    for (const Group& g : groups_) {
      part.noalias() = g.X * B(Eigen::all, g.cols).transpose();
      eta(g.rows, Eigen::all) = part;
    }
  }

 private:
  void group_by_patterns(const Eigen::MatrixXd& X) {
    const Eigen::Index n = X.rows(), p = X.cols();
    std::vector<Eigen::Index> shared, sparse;
    for (Eigen::Index j = 0; j < p; ++j)
      ((X.col(j).array() != 0.0).count() * 2 > n ? shared : sparse).push_back(j);
    if (sparse.empty()) return;
    std::map<std::vector<Eigen::Index>, std::size_t> index;  // pattern -> group
    std::vector<Group> groups;
    std::vector<Eigen::Index> pattern;
    for (Eigen::Index i = 0; i < n; ++i) {
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
      groups[it->second].rows.push_back(i);
    }
    double cost = 0.0;
    for (const Group& g : groups) cost += static_cast<double>(g.rows.size()) * static_cast<double>(g.cols.size());
    if (cost > 0.75 * static_cast<double>(n) * static_cast<double>(p)) return;
    for (Group& g : groups) g.X = X(g.rows, g.cols);
    groups_ = std::move(groups);
  }

  std::vector<Group> groups_;
};

}  // namespace summitcast::bayes
