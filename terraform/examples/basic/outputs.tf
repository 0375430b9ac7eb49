output "commands_topic" {
  description = "Publish operator commands here."
  value       = module.canaryrun.commands_topic
}

output "events_topic" {
  description = "Subscribe to rollout lifecycle events here."
  value       = module.canaryrun.events_topic
}

output "function_names" {
  description = "The four canaryrun functions."
  value       = module.canaryrun.function_names
}

output "policies" {
  description = "Effective rollout policy per service."
  value       = module.canaryrun.policies
}
