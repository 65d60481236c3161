#include "fhir/validation/structure_index.h"

#include <algorithm>
#include <memory>
#include <mutex>

#include "absl/container/flat_hash_map.h"

namespace zorgbrug::fhir::validation::internal {
namespace {

using definitions::ElementDef;
using definitions::StructureDef;

// Indexes of one structure: children_[i] and slices_[i] belong to structure.elements[i].
class StructureIndex {
 public:
  explicit StructureIndex(const StructureDef& structure);

  const Children& ChildrenAt(size_t i) const { return children_[i]; }
  std::span<const StructureDef* const> TypesAt(size_t i) const { return types_[i]; }
  const ElementDef* root() const { return root_; }

 private:
  void AddChild(const StructureDef& structure, size_t i);
  std::vector<Children> children_;
  std::vector<std::vector<const ElementDef*>> slices_;
  std::vector<std::vector<const StructureDef*>> types_;  // TypeOf(code) of each type
  const ElementDef* root_ = nullptr;
};

// The id of the element `id` belongs to: "Patient.contact.name" -> "Patient.contact",
// "Patient.identifier:ssin" -> "Patient"; empty for the root.
std::string_view ParentId(std::string_view id) {
  size_t dot = id.rfind('.');
  return dot == std::string_view::npos ? std::string_view() : id.substr(0, dot);
}

size_t IndexOf(const StructureDef& structure, const ElementDef* element) {
  return static_cast<size_t>(element - structure.elements.data());
}

StructureIndex::StructureIndex(const StructureDef& structure)
    : children_(structure.elements.size()),
      slices_(structure.elements.size()),
      types_(structure.elements.size()) {
  root_ = definitions::FindElement(structure, structure.type);
  if (root_ == nullptr) root_ = definitions::FindElement(structure, structure.name);
  for (size_t i = 0; i < structure.elements.size(); ++i) {
    for (const definitions::TypeRef& t : structure.elements[i].types) {
      types_[i].push_back(TypeOf(t.code));
    }
  }
  // Slices first, so that the spans taken by AddChild see complete vectors.
  for (size_t i = 0; i < structure.elements.size(); ++i) {
    const ElementDef& e = structure.elements[i];
    if (e.slice_name.empty()) continue;
    std::string_view base_id = e.id.substr(0, e.id.size() - e.slice_name.size() - 1);
    if (!e.id.ends_with(e.slice_name) || e.id[base_id.size()] != ':') continue;
    const ElementDef* base = definitions::FindElement(structure, base_id);
    if (base != nullptr) slices_[IndexOf(structure, base)].push_back(&e);
  }
  for (auto& slices : slices_) {
    std::sort(slices.begin(), slices.end(),
              [](const ElementDef* a, const ElementDef* b) { return a->order < b->order; });
  }
  for (size_t i = 0; i < structure.elements.size(); ++i) AddChild(structure, i);
}

void StructureIndex::AddChild(const StructureDef& structure, size_t i) {
  const ElementDef& e = structure.elements[i];
  if (!e.slice_name.empty()) return;
  std::string_view parent_id = ParentId(e.id);
  if (parent_id.empty()) return;
  const ElementDef* parent = definitions::FindElement(structure, parent_id);
  if (parent == nullptr) return;
  std::string_view name = e.path.substr(e.path.rfind('.') + 1);
  if (e.is_choice()) name.remove_suffix(3);
  children_[IndexOf(structure, parent)].children.push_back(Child{name, &e, slices_[i]});
}

// One lazily built index per structure of the core and profile tables.
struct Registry {
  std::span<const StructureDef> table;
  std::unique_ptr<std::once_flag[]> once;
  std::unique_ptr<std::unique_ptr<StructureIndex>[]> indexes;

  explicit Registry(std::span<const StructureDef> t)
      : table(t),
        once(new std::once_flag[t.size()]),
        indexes(new std::unique_ptr<StructureIndex>[t.size()]) {}

  bool Holds(const StructureDef& s) const {
    return &s >= table.data() && &s < table.data() + table.size();
  }
  const StructureIndex& Get(const StructureDef& s) {
    size_t i = static_cast<size_t>(&s - table.data());
    std::call_once(once[i], [&] { indexes[i] = std::make_unique<StructureIndex>(s); });
    return *indexes[i];
  }
};

const StructureIndex& IndexFor(const StructureDef& structure) {
  static Registry* core = new Registry(definitions::CoreStructures());
  static Registry* profiles = new Registry(definitions::Profiles());
  return core->Holds(structure) ? core->Get(structure) : profiles->Get(structure);
}

}  // namespace

const Child* Children::Find(std::string_view json_name) const {
  for (const Child& child : children) {
    if (!child.def->is_choice()) {
      if (child.name == json_name) return &child;
    } else if (json_name.size() > child.name.size() && json_name.starts_with(child.name) &&
               definitions::ChoiceTypeFor(*child.def, json_name) != nullptr) {
      return &child;
    }
  }
  return nullptr;
}

const Children& ChildrenOf(const StructureDef& structure, const ElementDef& element) {
  return IndexFor(structure).ChildrenAt(IndexOf(structure, &element));
}

const StructureDef* TypeOf(std::string_view code) {
  static const auto* types = [] {
    auto* map = new absl::flat_hash_map<std::string_view, const StructureDef*>();
    for (const StructureDef& sd : definitions::CoreStructures()) map->emplace(sd.name, &sd);
    return map;
  }();
  auto it = types->find(code);
  return it == types->end() ? nullptr : it->second;
}

const StructureDef* StructureOf(std::string_view url) {
  static const auto* canonicals = [] {
    auto* map = new absl::flat_hash_map<std::string_view, const StructureDef*>();
    for (const StructureDef& sd : definitions::Profiles()) map->emplace(sd.url, &sd);
    for (const StructureDef& sd : definitions::CoreStructures()) map->emplace(sd.url, &sd);
    return map;
  }();
  auto it = canonicals->find(url);
  return it != canonicals->end() ? it->second : definitions::FindStructure(url);
}

const ElementDef* RootOf(const StructureDef& structure) { return IndexFor(structure).root(); }

const StructureDef* TypeOf(const StructureDef& structure, const ElementDef& element,
                           const definitions::TypeRef& type) {
  return IndexFor(structure).TypesAt(IndexOf(structure, &element))[&type - element.types.data()];
}

}  // namespace zorgbrug::fhir::validation::internal
