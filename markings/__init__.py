"""Changing an item's release marking: one page action and one API endpoint for every kind of
markable item (commitments' added context, milestones, status updates, meetings' outcomes and
action items). It sits above both apps, which each hold some of those kinds."""
